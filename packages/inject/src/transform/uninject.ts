import { Annotation, InjectMode, Label } from '../annotations/names.js';
import type { Container, KubeObject, ObjectMeta, Volume } from '../k8s/types.js';
import { locatePodTemplate } from '../k8s/workload.js';
import { INJECTED_CONTAINERS, INJECTED_INIT_CONTAINERS, INJECTED_VOLUMES } from '../patch/pod-patch.js';
import type { ResourceReport } from '../report/resource-report.js';
import { identify } from './results.js';

/** The result of removing the proxy from one object. */
export interface UninjectResult {
  /** The object without the injected parts (a copy), or the input when the kind has no proxy. */
  readonly object: unknown;
  /** True when the kind is one the injector handles (so the CLI re-serializes it). */
  readonly handled: boolean;
  /** `uninjected` when something was removed, else `skipped`. */
  readonly report: ResourceReport;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInjectorLabel(key: string): boolean {
  return key === Label.controlPlaneNs || key === Label.workloadNs || key.startsWith(Label.proxyOwnerPrefix);
}

/** Removes `linkerd.io/*` annotations (keeping `inject: disabled`); reports whether any went. */
function uninjectAnnotations(meta: ObjectMeta): boolean {
  const annotations = meta.annotations;
  if (!isRecord(annotations)) return false;
  let removed = false;
  for (const key of Object.keys(annotations)) {
    if (!key.startsWith('linkerd.io/')) continue;
    if (key === Annotation.inject && annotations[key] === InjectMode.disabled) continue;
    delete annotations[key];
    removed = true;
  }
  return removed;
}

function keep<T extends { name?: unknown }>(
  list: unknown,
  names: ReadonlySet<string>,
): { kept: T[]; removed: boolean } {
  if (!Array.isArray(list)) return { kept: [], removed: false };
  const kept = list.filter(
    (item: T) => !(isRecord(item) && typeof item.name === 'string' && names.has(item.name)),
  );
  return { kept, removed: kept.length !== list.length };
}

/**
 * Removes what the injector added: the proxy, debug and init (or validator) containers, the
 * xtables, identity, token and podinfo volumes, `linkerd.io/*` annotations of the pod (except
 * `linkerd.io/inject: disabled`) and the injector's labels. On a Namespace it removes the
 * `linkerd.io/*` annotations. Other kinds are returned as they are.
 */
export function uninjectObject(obj: unknown): UninjectResult {
  const id = identify(obj);
  const report = (removed: boolean): ResourceReport => ({
    ...id,
    outcome: removed ? 'uninjected' : 'skipped',
    reasons: [],
    warnings: [],
  });
  if (!isRecord(obj)) return { object: obj, handled: false, report: report(false) };
  if (id.kind === 'namespace') {
    const copy = structuredClone(obj) as KubeObject;
    const removed = isRecord(copy.metadata) && uninjectAnnotations(copy.metadata);
    return { object: copy, handled: true, report: report(removed) };
  }
  const copy = structuredClone(obj) as KubeObject;
  const workload = locatePodTemplate(copy);
  if (workload?.template === undefined) return { object: obj, handled: false, report: report(false) };
  const { metadata, spec } = workload.template;
  let removed = false;
  if (spec !== undefined) {
    const containers = keep<Container>(spec.containers, INJECTED_CONTAINERS);
    const inits = keep<Container>(spec.initContainers, INJECTED_INIT_CONTAINERS);
    const volumes = keep<Volume>(spec.volumes, INJECTED_VOLUMES);
    if (containers.removed) spec.containers = containers.kept;
    if (inits.removed) spec.initContainers = inits.kept;
    if (volumes.removed) spec.volumes = volumes.kept;
    removed = containers.removed || inits.removed || volumes.removed;
  }
  if (isRecord(metadata)) {
    if (uninjectAnnotations(metadata)) removed = true;
    if (isRecord(metadata.labels)) {
      for (const key of Object.keys(metadata.labels)) {
        if (isInjectorLabel(key)) delete metadata.labels[key];
      }
    }
  }
  return { object: copy, handled: true, report: report(removed) };
}
