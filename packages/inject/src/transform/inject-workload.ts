import { applyAnnotationOverrides, inheritedAnnotations } from '../annotations/apply-overrides.js';
import { Annotation, Label } from '../annotations/names.js';
import { decideInjection, type InjectOrigin } from '../decide/decide.js';
import { FATAL_REASONS, reason, SkipReason } from '../decide/skip-reasons.js';
import {
  appCapabilities,
  declaredOpaquePorts,
  namedPorts,
  type PodOwner,
  podInboundPorts,
  podOwner,
  serviceAccountMount,
  traceAttributes,
} from '../k8s/pod-facts.js';
import type { KubeObject, PodTemplate } from '../k8s/types.js';
import type { WorkloadTemplate } from '../k8s/workload.js';
import { diffJson } from '../patch/json-diff.js';
import { applyJsonPatch, type JsonPatchOperation } from '../patch/json-patch.js';
import { buildPodPatch } from '../patch/pod-patch.js';
import { proxyVersion } from '../render/render-context.js';
import type { Values } from '../values/types.js';
import type { InjectMutator } from './mutator.js';
import { type InjectResult, unchanged } from './results.js';

/** Settings shared by every injection of an injector. */
export interface WorkloadInjectSettings {
  readonly values: Values;
  readonly origin: InjectOrigin;
  readonly controlPlaneNamespace: string;
  readonly createdBy: string;
  readonly trustRootSha256: string;
  readonly mutators: readonly InjectMutator[];
}

/** Per-call options of a workload injection. */
export interface WorkloadInjectOptions {
  readonly annotate: boolean;
  readonly namespace: string;
  readonly namespaceAnnotations: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly owner: PodOwner | undefined;
}

function ownerLabel(
  workload: WorkloadTemplate,
  options: WorkloadInjectOptions,
): [string, string] | undefined {
  if (workload.kind !== 'pod') return [`${Label.proxyOwnerPrefix}${workload.kind}`, workload.name];
  const owner = options.owner ?? podOwner(workload.template?.metadata);
  return owner === undefined ? undefined : [`${Label.proxyOwnerPrefix}${owner.kind}`, owner.name];
}

function runMutators(
  settings: WorkloadInjectSettings,
  mutated: KubeObject,
  workload: WorkloadTemplate,
  values: Values,
  namespace: string,
): JsonPatchOperation[] {
  let node: unknown = mutated;
  for (const segment of workload.prefix.split('/').slice(1))
    node = (node as Record<string, unknown>)[segment];
  const template = node as PodTemplate;
  const before = structuredClone({ metadata: template.metadata, spec: template.spec });
  const context = { kind: workload.kind, name: workload.name, namespace, origin: settings.origin, values };
  for (const mutator of settings.mutators) mutator.mutate(template, context);
  return diffJson(before, { metadata: template.metadata, spec: template.spec }, workload.prefix);
}

/**
 * Injects (or, with `annotate`, only annotates) a workload whose pod template was located:
 * decides, applies annotation overrides, renders the patch in Linkerd's order, applies it to a
 * copy, then runs the user mutators on the copy and appends their changes to the patch.
 */
export function injectWorkload(
  obj: KubeObject,
  workload: WorkloadTemplate,
  settings: WorkloadInjectSettings,
  options: WorkloadInjectOptions,
): InjectResult {
  const template = workload.template!;
  const podMeta = template.metadata;
  const podSpec = template.spec!;
  const podAnnotations = podMeta?.annotations ?? {};
  const decision = decideInjection({
    origin: settings.origin,
    podMeta,
    podSpec,
    namespaceAnnotations: options.namespaceAnnotations,
    values: settings.values,
    manual: !options.annotate,
  });
  const warnings = decision.warnings.map((w) => w.message);
  if (!decision.injectable) {
    const fatal = decision.reasons.some((r) => FATAL_REASONS.has(r.code));
    return unchanged(obj, fatal ? 'failed' : 'skipped', decision.reasons, warnings);
  }
  const namespace = workload.namespace !== '' ? workload.namespace : options.namespace;
  if (options.annotate) {
    const annotations = { [Annotation.inject]: 'enabled', ...options.annotations };
    const patch = buildPodPatch({ prefix: workload.prefix, podMeta, podSpec, annotations, labels: {} });
    const object = structuredClone(obj);
    applyJsonPatch(object, patch);
    return {
      object,
      patch,
      report: {
        kind: workload.kind,
        name: workload.name,
        namespace,
        outcome: 'annotated',
        reasons: [],
        warnings,
      },
    };
  }
  const inherited =
    settings.origin === 'webhook' ? inheritedAnnotations(options.namespaceAnnotations, podAnnotations) : {};
  const overrides = { ...podAnnotations, ...inherited, ...options.annotations };
  const {
    values,
    flags,
    warnings: overrideWarnings,
  } = applyAnnotationOverrides(settings.values, overrides, {
    namedPorts: namedPorts(podSpec),
  });
  warnings.push(...overrideWarnings);
  const annotations: Record<string, string> = {
    ...inherited,
    ...options.annotations,
    [Annotation.createdBy]: settings.createdBy,
    [Annotation.proxyVersion]: proxyVersion(values),
    [Annotation.trustRootSha256]: settings.trustRootSha256,
  };
  if (settings.origin === 'webhook' && overrides[Annotation.opaquePorts] === undefined) {
    const ports = declaredOpaquePorts(podSpec, settings.values.proxy.opaquePorts);
    if (ports.length > 0) annotations[Annotation.opaquePorts] = ports.join(',');
  }
  const labels: Record<string, string> = {
    [Label.controlPlaneNs]: settings.controlPlaneNamespace,
    [Label.workloadNs]: namespace,
  };
  const owner = ownerLabel(workload, options);
  if (owner !== undefined) labels[owner[0]] = owner[1];
  const ctx = {
    values,
    controlPlaneNamespace: settings.controlPlaneNamespace,
    podInboundPorts:
      values.proxy.podInboundPorts !== '' ? values.proxy.podInboundPorts : podInboundPorts(podSpec),
    appCapabilities: appCapabilities(podSpec),
    serviceAccountMount: serviceAccountMount(podSpec),
    traceAttributes: traceAttributes(podMeta),
  };
  const patch = buildPodPatch({
    prefix: workload.prefix,
    podMeta,
    podSpec,
    annotations,
    labels,
    proxy: { ctx, debugSidecar: flags.debugSidecar },
  });
  const object = structuredClone(obj);
  applyJsonPatch(object, patch);
  if (settings.mutators.length > 0) {
    try {
      patch.push(...runMutators(settings, object, workload, values, namespace));
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      return unchanged(obj, 'failed', [reason(SkipReason.mutatorFailed, detail)], warnings);
    }
  }
  return {
    object,
    patch,
    report: {
      kind: workload.kind,
      name: workload.name,
      namespace,
      outcome: 'injected',
      reasons: [],
      warnings,
    },
  };
}
