import { diffJson, type JsonPatchOperation } from '@skein/inject';
import type { ClusterReader } from '../cluster/cluster-reader.js';
import type { KubeObject } from '../render/kube-types.js';
import { describeObject } from './manifest-text.js';

/** How one rendered object compares with the cluster. */
export interface ObjectChange {
  /** The rendered object. */
  readonly object: KubeObject;
  /** `create` (absent from the cluster), `update` (differs) or `unchanged`. */
  readonly change: 'create' | 'update' | 'unchanged';
  /** For `update`: the JSON patch from the live fields to the rendered ones. */
  readonly operations: readonly JsonPatchOperation[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The live object seen through the rendered one's shape: fields the server adds (status,
 * defaults, uid, resourceVersion, clusterIP, …) are dropped, so only what the manifest sets
 * is compared.
 */
function project(live: unknown, rendered: unknown): unknown {
  if (isRecord(rendered) && isRecord(live)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(rendered)) if (key in live) out[key] = project(live[key], rendered[key]);
    return out;
  }
  if (Array.isArray(rendered) && Array.isArray(live) && rendered.length === live.length) {
    return live.map((item, i) => project(item, rendered[i]));
  }
  return live;
}

/** Compares rendered objects with what the cluster holds. */
export async function diffWithCluster(
  cluster: ClusterReader,
  objects: readonly KubeObject[],
): Promise<ObjectChange[]> {
  const changes: ObjectChange[] = [];
  for (const object of objects) {
    const live = await cluster.get({
      apiVersion: object.apiVersion ?? '',
      kind: object.kind ?? '',
      name: object.metadata?.name ?? '',
      ...(object.metadata?.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    });
    if (live === undefined) {
      changes.push({ object, change: 'create', operations: [] });
      continue;
    }
    const operations = diffJson(project(live, object), object);
    changes.push({ object, change: operations.length === 0 ? 'unchanged' : 'update', operations });
  }
  return changes;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The diff as text: `+ Kind/ns/name` for new objects, `~ Kind/ns/name` with one line per changed
 * field, and a count of unchanged objects. Secret values are never printed.
 */
export function formatDiff(changes: readonly ObjectChange[]): string {
  let out = '';
  for (const c of changes) {
    if (c.change === 'create') out += `+ ${describeObject(c.object)}\n`;
    if (c.change !== 'update') continue;
    out += `~ ${describeObject(c.object)}\n`;
    const secret = c.object.kind === 'Secret';
    for (const op of c.operations) {
      const value =
        'value' in op ? (secret && op.path.startsWith('/data') ? '(secret data)' : short(op.value)) : '';
      out += `    ${op.op} ${op.path}${value === '' ? '' : ` ${value}`}\n`;
    }
  }
  const unchanged = changes.filter((c) => c.change === 'unchanged').length;
  out += `${changes.filter((c) => c.change === 'create').length} to create, ${changes.filter((c) => c.change === 'update').length} to update, ${unchanged} unchanged\n`;
  return out;
}
