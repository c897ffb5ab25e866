import { Annotation } from '../annotations/names.js';
import { declaredOpaquePorts } from '../k8s/pod-facts.js';
import { podTemplateProblem } from '../k8s/pod-template-problem.js';
import type { KubeObject } from '../k8s/types.js';
import { locatePodTemplate } from '../k8s/workload.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { buildPodPatch } from '../patch/pod-patch.js';
import { parsePortList, portListContains } from '../values/port-list.js';
import { type InjectResult, identify, unchanged } from './results.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function annotated(obj: KubeObject, prefix: string, annotations: Record<string, string>): InjectResult {
  const meta = isRecord(obj.metadata) ? obj.metadata : undefined;
  const patch = buildPodPatch({ prefix, podMeta: meta, podSpec: undefined, annotations, labels: {} });
  const object = structuredClone(obj);
  applyJsonPatch(object, patch);
  return { object, patch, report: { ...identify(obj), outcome: 'annotated', reasons: [], warnings: [] } };
}

/** Annotates a Namespace with `linkerd.io/inject: enabled` plus the given overrides (CLI). */
export function annotateNamespace(
  obj: KubeObject,
  overrides: Readonly<Record<string, string>>,
): InjectResult {
  return annotated(obj, '', { [Annotation.inject]: 'enabled', ...overrides });
}

function servicePorts(obj: KubeObject, defaults: string): string[] {
  const items = parsePortList(defaults, true);
  const spec = isRecord(obj.spec) ? obj.spec : {};
  if (typeof items === 'string' || !Array.isArray(spec.ports)) return [];
  const out: string[] = [];
  const addIfOpaque = (port: unknown): void => {
    if (typeof port === 'number' && portListContains(items, port) && !out.includes(String(port)))
      out.push(String(port));
  };
  for (const p of spec.ports) {
    if (!isRecord(p)) continue;
    addIfOpaque(p.port);
    addIfOpaque(p.targetPort);
  }
  return out;
}

/**
 * The opaque-ports patch the webhook gives Services and pods it does not inject: nothing when
 * the object already has `config.linkerd.io/opaque-ports`; the namespace's value when it has one;
 * else the default opaque ports the object declares (container ports of a pod, ports and
 * target ports of a Service), if any.
 */
export function opaquePortsPatch(
  obj: KubeObject,
  defaults: string,
  namespaceAnnotations: Readonly<Record<string, string>>,
): InjectResult {
  const kind = identify(obj).kind;
  const workload = kind === 'service' ? undefined : locatePodTemplate(obj);
  const meta = kind === 'service' ? obj.metadata : workload?.template?.metadata;
  if (meta !== undefined && !isRecord(meta)) return unchanged(obj, 'skipped', []);
  if (workload?.template !== undefined && podTemplateProblem(workload) !== undefined)
    return unchanged(obj, 'skipped', []);
  const annotations: unknown = meta?.annotations;
  if (annotations !== undefined && annotations !== null && !isRecord(annotations))
    return unchanged(obj, 'skipped', []);
  if (meta?.annotations?.[Annotation.opaquePorts] !== undefined) return unchanged(obj, 'skipped', []);
  const fromNamespace = namespaceAnnotations[Annotation.opaquePorts];
  let ports: string | undefined = fromNamespace;
  if (ports === undefined) {
    const declared =
      kind === 'service'
        ? servicePorts(obj, defaults)
        : workload?.template?.spec !== undefined
          ? declaredOpaquePorts(workload.template.spec, defaults)
          : [];
    if (declared.length > 0) ports = declared.join(',');
  }
  if (ports === undefined) return unchanged(obj, 'skipped', []);
  if (kind === 'service') return annotated(obj, '', { [Annotation.opaquePorts]: ports });
  if (workload?.template === undefined) return unchanged(obj, 'skipped', []);
  const patch = buildPodPatch({
    prefix: workload.prefix,
    podMeta: workload.template.metadata,
    podSpec: workload.template.spec,
    annotations: { [Annotation.opaquePorts]: ports },
    labels: {},
  });
  const object = structuredClone(obj);
  applyJsonPatch(object, patch);
  return { object, patch, report: { ...identify(obj), outcome: 'annotated', reasons: [], warnings: [] } };
}
