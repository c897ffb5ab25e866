import { canonicalQuantity } from '@skein/core';
import type { KubeObject } from './types.js';

/**
 * Fields that hold Go structs or maps tagged `omitempty`: Linkerd's serializer leaves them out
 * when empty. Pointer fields (`securityContext: {}`, `emptyDir: {}`, `selector: {}`) are not
 * listed, because an empty pointer target is still written.
 */
const OMIT_WHEN_EMPTY = new Set([
  'metadata',
  'spec',
  'template',
  'labels',
  'annotations',
  'nodeSelector',
  'matchLabels',
  'limits',
  'requests',
]);
/** Struct fields left out when every field inside is a zero value (`status: {replicas: 0}`). */
const OMIT_WHEN_ZERO = new Set(['status', 'strategy', 'updateStrategy', 'resources']);
/** Plain (non-pointer) `omitempty` booleans: `false` is left out. */
const OMIT_WHEN_FALSE = new Set([
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'stdin',
  'stdinOnce',
  'tty',
  'readOnly',
  'paused',
]);
/** Plain `omitempty` integers: `0` is left out. */
const OMIT_WHEN_ZERO_NUMBER = new Set([
  'hostPort',
  'initialDelaySeconds',
  'timeoutSeconds',
  'periodSeconds',
  'successThreshold',
  'failureThreshold',
  'minReadySeconds',
  'generation',
]);
/** String fields without `omitempty`: an empty string is still written. */
const KEEP_WHEN_EMPTY_STRING = new Set([
  'name',
  'mountPath',
  'fieldPath',
  'key',
  'serviceName',
  'schedule',
  'path',
  'operator',
  'topologyKey',
  'devicePath',
]);
/** Map-valued fields: their entries are data, kept whatever their value. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'matchLabels',
  'nodeSelector',
  'data',
  'stringData',
  'binaryData',
]);
/** Slices without `omitempty`: an empty list is written as `[]`. */
const KEEP_WHEN_EMPTY_LIST = new Set(['containers']);
/** Workload kinds whose `spec.selector` is a pointer without `omitempty` (written as `null`). */
const NULL_SELECTOR_KINDS = new Set(['deployment', 'replicaset', 'statefulset', 'daemonset']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isZero(v: unknown): boolean {
  if (v === null || v === undefined || v === 0 || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) {
    for (const key in v) if (!isZero(v[key])) return false;
    return true;
  }
  return false;
}

function canonicalQuantities(map: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v === 'string' || typeof v === 'number') {
      try {
        out[k] = canonicalQuantity(v, k);
        continue;
      } catch {
        // Not a quantity: the API server would refuse it; keep what the user wrote.
      }
    }
    out[k] = v;
  }
  return out;
}

function clean(value: unknown, key: string, parentKey: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => clean(item, '', key));
    return items.length === 0 && !KEEP_WHEN_EMPTY_LIST.has(key) ? undefined : items;
  }
  if (!isRecord(value)) return value === null ? undefined : value;
  const source =
    parentKey === 'resources' && (key === 'limits' || key === 'requests')
      ? canonicalQuantities(value)
      : value;
  const out: Record<string, unknown> = {};
  if (MAP_FIELDS.has(key)) {
    for (const k in source) if (source[k] !== null && source[k] !== undefined) out[k] = source[k];
    return out;
  }
  for (const k in source) {
    const v = clean(source[k], k, key);
    if (v === undefined) continue;
    if (v === false && OMIT_WHEN_FALSE.has(k)) continue;
    if (v === 0 && OMIT_WHEN_ZERO_NUMBER.has(k)) continue;
    if (v === '' && !KEEP_WHEN_EMPTY_STRING.has(k)) continue;
    if (OMIT_WHEN_EMPTY.has(k) && isRecord(v) && Object.keys(v).length === 0) continue;
    if (OMIT_WHEN_ZERO.has(k) && isZero(v)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Rewrites a workload the way Linkerd's typed re-serialization does, so `--manual` output matches
 * Linkerd's: nulls and empty `omitempty` fields are dropped (`creationTimestamp: null`,
 * `status: {}`, `resources: {}`, `hostNetwork: false`, `value: ""`), resource quantities take
 * their canonical form (`0.5` → `500m`),
 * and `spec.selector` of apps workloads is written even when null. Key order is left to the
 * serializer (sorted).
 */
export function normalizeWorkload(obj: KubeObject): KubeObject {
  const out = clean(obj, '', '') as KubeObject;
  const kind = typeof obj.kind === 'string' ? obj.kind.toLowerCase() : '';
  if (NULL_SELECTOR_KINDS.has(kind) && isRecord(out.spec) && !('selector' in out.spec)) {
    out.spec = { ...out.spec, selector: null };
  }
  return out;
}
