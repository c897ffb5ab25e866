import type { KubeObject, ObjectMeta, PodSpec } from './types.js';

/** Kinds whose pod template the injector patches (lower case, as Linkerd compares them). */
export const INJECTABLE_KINDS: ReadonlySet<string> = new Set([
  'deployment',
  'replicaset',
  'replicationcontroller',
  'statefulset',
  'daemonset',
  'job',
  'cronjob',
  'pod',
]);

/** Where a workload keeps its pod template, and what it says. */
export interface WorkloadTemplate {
  /** The kind in lower case (`deployment`). */
  readonly kind: string;
  /** `metadata.name` of the workload (empty when unset). */
  readonly name: string;
  /** `metadata.namespace` of the workload (empty when unset). */
  readonly namespace: string;
  /** JSON Pointer of the pod template: `` for a Pod, `/spec/template`, or the CronJob's. */
  readonly prefix: string;
  /** The object holding `metadata` and `spec` of the pod (the workload itself for a Pod). */
  readonly template: { metadata?: ObjectMeta; spec?: PodSpec } | undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON Pointer prefix of the pod template of a workload kind (lower case). */
export function podTemplatePrefix(kind: string): string {
  if (kind === 'pod') return '';
  if (kind === 'cronjob') return '/spec/jobTemplate/spec/template';
  return '/spec/template';
}

/**
 * Finds the pod template of an injectable workload. Returns undefined for other kinds; returns
 * `template: undefined` when the kind is injectable but the template is missing.
 */
export function locatePodTemplate(obj: KubeObject): WorkloadTemplate | undefined {
  const kind = typeof obj.kind === 'string' ? obj.kind.toLowerCase() : '';
  if (!INJECTABLE_KINDS.has(kind)) return undefined;
  const meta = isRecord(obj.metadata) ? obj.metadata : undefined;
  const name = typeof meta?.name === 'string' ? meta.name : '';
  const namespace = typeof meta?.namespace === 'string' ? meta.namespace : '';
  let node: unknown = obj;
  for (const segment of podTemplatePrefix(kind).split('/').slice(1)) {
    node = isRecord(node) ? node[segment] : undefined;
  }
  const template = isRecord(node) && isRecord(node.spec) ? (node as WorkloadTemplate['template']) : undefined;
  return { kind, name, namespace, prefix: podTemplatePrefix(kind), template };
}
