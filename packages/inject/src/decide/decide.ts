import { Annotation, InjectMode, Label } from '../annotations/names.js';
import type { ObjectMeta, PodSpec } from '../k8s/types.js';
import type { Values } from '../values/types.js';
import { hasExistingSidecar } from './existing-sidecar.js';
import { type Reason, reason, SkipReason } from './skip-reasons.js';

/** Who asks: the CLI (`skein inject`) or the admission webhook. They differ in inheritance. */
export type InjectOrigin = 'cli' | 'webhook';

/** What the decision looks at. */
export interface DecisionInput {
  /** CLI or webhook. */
  readonly origin: InjectOrigin;
  /** Metadata of the pod (template). */
  readonly podMeta: ObjectMeta | undefined;
  /** The pod spec. */
  readonly podSpec: PodSpec;
  /** Annotations of the namespace (webhook only). */
  readonly namespaceAnnotations: Readonly<Record<string, string>>;
  /** Values in effect. */
  readonly values: Values;
  /** Whether the CLI injects the full proxy (`--manual`) rather than annotating. */
  readonly manual: boolean;
}

/** Whether to inject, and why not. */
export interface Decision {
  /** True when the proxy is to be added. */
  readonly injectable: boolean;
  /** Why not, in Linkerd's order; empty when injectable. */
  readonly reasons: readonly Reason[];
  /** Problems that do not stop injection (UDP ports). */
  readonly warnings: readonly Reason[];
}

const VALID_INJECT = new Set<string>(['', InjectMode.enabled, InjectMode.disabled, InjectMode.ingress]);

function annotationDecision(input: DecisionInput): Reason | undefined {
  const pod = input.podMeta?.annotations?.[Annotation.inject] ?? '';
  if (input.origin === 'cli') {
    return pod === InjectMode.disabled ? reason(SkipReason.injectDisableAnnotationPresent) : undefined;
  }
  const ns = input.namespaceAnnotations[Annotation.inject] ?? '';
  if (!VALID_INJECT.has(ns)) return reason(SkipReason.invalidInjectAnnotationNamespace, JSON.stringify(ns));
  if (!VALID_INJECT.has(pod)) return reason(SkipReason.invalidInjectAnnotationWorkload, JSON.stringify(pod));
  if (ns === InjectMode.enabled || ns === InjectMode.ingress) {
    return pod === InjectMode.disabled ? reason(SkipReason.injectDisableAnnotationPresent) : undefined;
  }
  return pod === InjectMode.enabled || pod === InjectMode.ingress
    ? undefined
    : reason(SkipReason.injectEnableAnnotationAbsent);
}

function hasUdpPorts(spec: PodSpec): boolean {
  if (!Array.isArray(spec.containers)) return false;
  return spec.containers.some((c) => Array.isArray(c?.ports) && c.ports.some((p) => p?.protocol === 'UDP'));
}

/**
 * Decides whether a pod (template) gets the proxy, with Linkerd's rules: `linkerd.io/inject`
 * on the pod or (webhook) its namespace, host networking, an existing Linkerd or Istio sidecar,
 * `automountServiceAccountToken: false` without token projection, and control-plane pods
 * outside `--manual`. UDP ports only warn.
 */
export function decideInjection(input: DecisionInput): Decision {
  const reasons: Reason[] = [];
  const { podSpec, values } = input;
  if (podSpec.hostNetwork === true) reasons.push(reason(SkipReason.hostNetwork));
  if (hasExistingSidecar(podSpec, values.proxy.image.name)) reasons.push(reason(SkipReason.sidecarExists));
  const byAnnotation = annotationDecision(input);
  if (byAnnotation !== undefined) reasons.push(byAnnotation);
  if (podSpec.automountServiceAccountToken === false && !values.identity.serviceAccountTokenProjection) {
    reasons.push(reason(SkipReason.disabledAutomountServiceAccountToken));
  }
  if (
    input.origin === 'cli' &&
    !input.manual &&
    input.podMeta?.labels?.[Label.controlPlaneComponent] !== undefined
  ) {
    reasons.push(reason(SkipReason.controlPlaneNeedsManual));
  }
  const warnings = hasUdpPorts(podSpec) ? [reason(SkipReason.udpPorts)] : [];
  return { injectable: reasons.length === 0, reasons, warnings };
}
