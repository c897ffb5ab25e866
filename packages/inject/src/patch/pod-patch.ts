import { InjectedName } from '../annotations/names.js';
import type { ObjectMeta, PodSpec } from '../k8s/types.js';
import { renderDebugContainer } from '../render/debug-container.js';
import { renderInitContainer, renderNetworkValidator } from '../render/init-container.js';
import { renderProxyContainer } from '../render/proxy-container.js';
import type { RenderContext } from '../render/render-context.js';
import { identityVolume, podInfoVolume, tokenVolume, xtablesVolume } from '../render/volumes.js';
import { escapePointerSegment, type JsonPatchOperation } from './json-patch.js';

/** What to put in a pod (template). */
export interface PodPatchInput {
  /** JSON Pointer of the pod template (`` for a Pod). */
  readonly prefix: string;
  /** Current metadata of the pod template. */
  readonly podMeta: ObjectMeta | undefined;
  /** Current pod spec. */
  readonly podSpec: PodSpec | undefined;
  /** Annotations to set. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Labels to set. */
  readonly labels: Readonly<Record<string, string>>;
  /** Present to add the proxy: the render context and whether to add the debug sidecar. */
  readonly proxy?: { readonly ctx: RenderContext; readonly debugSidecar: boolean };
}

/** True when `v` is not a map with entries, so a fresh `{}` must be put in its place first. */
function isEmpty(v: unknown): boolean {
  return typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0;
}

/** True when `v` is not a list with items, so a fresh `[]` must be put in its place first. */
function isEmptyList(v: unknown): boolean {
  return !Array.isArray(v) || v.length === 0;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pushMap(
  ops: JsonPatchOperation[],
  base: string,
  current: unknown,
  entries: Readonly<Record<string, string>>,
): void {
  const keys = Object.keys(entries).sort(byteOrder);
  if (keys.length === 0) return;
  if (isEmpty(current)) ops.push({ op: 'add', path: base, value: {} });
  for (const key of keys)
    ops.push({ op: 'add', path: `${base}/${escapePointerSegment(key)}`, value: entries[key] });
}

/**
 * Builds the JSON Patch in Linkerd's order (`charts/patch/templates/patch.json`): metadata and
 * annotations maps if missing, annotations (sorted), labels map if missing, labels (sorted),
 * volumes and initContainers arrays if missing, the xtables volume and `linkerd-init` (or the
 * network validator with CNI), the debug container, the identity, podinfo and token volumes,
 * and finally the proxy (a native sidecar after the init container, else first app container
 * when awaiting, else last).
 */
export function buildPodPatch(input: PodPatchInput): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const { prefix, podMeta, podSpec } = input;
  const hasMeta = Object.keys(input.annotations).length > 0 || Object.keys(input.labels).length > 0;
  if (hasMeta && isEmpty(podMeta)) ops.push({ op: 'add', path: `${prefix}/metadata`, value: {} });
  pushMap(ops, `${prefix}/metadata/annotations`, podMeta?.annotations, input.annotations);
  pushMap(ops, `${prefix}/metadata/labels`, podMeta?.labels, input.labels);
  if (input.proxy === undefined) return ops;
  const { ctx, debugSidecar } = input.proxy;
  const v = ctx.values;
  const spec = `${prefix}/spec`;
  const initCount = Array.isArray(podSpec?.initContainers) ? podSpec.initContainers.length : 0;
  if (isEmptyList(podSpec?.volumes)) ops.push({ op: 'add', path: `${spec}/volumes`, value: [] });
  if (initCount === 0) ops.push({ op: 'add', path: `${spec}/initContainers`, value: [] });
  if (!Array.isArray(podSpec?.containers)) ops.push({ op: 'add', path: `${spec}/containers`, value: [] });
  if (v.cniEnabled) {
    ops.push({ op: 'add', path: `${spec}/initContainers/-`, value: renderNetworkValidator(ctx) });
  } else {
    ops.push({ op: 'add', path: `${spec}/volumes/-`, value: xtablesVolume(v) });
    ops.push({ op: 'add', path: `${spec}/initContainers/-`, value: renderInitContainer(ctx) });
  }
  if (debugSidecar) ops.push({ op: 'add', path: `${spec}/containers/-`, value: renderDebugContainer(ctx) });
  ops.push({ op: 'add', path: `${spec}/volumes/-`, value: identityVolume() });
  if (v.proxy.tracing.enabled) ops.push({ op: 'add', path: `${spec}/volumes/-`, value: podInfoVolume() });
  if (v.identity.serviceAccountTokenProjection)
    ops.push({ op: 'add', path: `${spec}/volumes/-`, value: tokenVolume() });
  const proxy = renderProxyContainer(ctx);
  if (v.proxy.nativeSidecar)
    ops.push({ op: 'add', path: `${spec}/initContainers/${initCount + 1}`, value: proxy });
  else if (v.proxy.await) ops.push({ op: 'add', path: `${spec}/containers/0`, value: proxy });
  else ops.push({ op: 'add', path: `${spec}/containers/-`, value: proxy });
  return ops;
}

/** Names of everything {@link buildPodPatch} adds, for uninject. */
export const INJECTED_CONTAINERS: ReadonlySet<string> = new Set([InjectedName.proxy, InjectedName.debug]);
/** Init containers the injector adds. */
export const INJECTED_INIT_CONTAINERS: ReadonlySet<string> = new Set([
  InjectedName.init,
  InjectedName.proxy,
  InjectedName.networkValidator,
]);
/** Volumes the injector adds. */
export const INJECTED_VOLUMES: ReadonlySet<string> = new Set([
  InjectedName.xtablesVolume,
  InjectedName.identityVolume,
  InjectedName.tokenVolume,
  InjectedName.podInfoVolume,
]);
