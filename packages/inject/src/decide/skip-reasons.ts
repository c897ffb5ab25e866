/** Why a workload was not injected (or only warned about), with Linkerd's reason codes. */
export const SkipReason = {
  hostNetwork: 'host_network_enabled',
  sidecarExists: 'sidecar_already_exists',
  unsupportedResource: 'unsupported_resource',
  injectEnableAnnotationAbsent: 'injection_enable_annotation_absent',
  injectDisableAnnotationPresent: 'injection_disable_annotation_present',
  invalidInjectAnnotationWorkload: 'invalid_inject_annotation_at_workload',
  invalidInjectAnnotationNamespace: 'invalid_inject_annotation_at_ns',
  disabledAutomountServiceAccountToken: 'disabled_automount_service_account_token_account',
  udpPorts: 'udp_ports_enabled',
  controlPlaneNeedsManual: 'control_plane_component_needs_manual',
  noPodTemplate: 'no_pod_template',
  invalidObject: 'invalid_object',
  mutatorFailed: 'mutator_failed',
} as const;

/** One of the {@link SkipReason} codes. */
export type SkipReasonCode = (typeof SkipReason)[keyof typeof SkipReason];

/** A reason with its human-readable message. */
export interface Reason {
  /** Stable code. */
  readonly code: SkipReasonCode;
  /** What was found, in words. */
  readonly message: string;
}

const MESSAGES: Record<SkipReasonCode, string> = {
  host_network_enabled: 'hostNetwork is enabled',
  sidecar_already_exists: 'pod has a sidecar injected already',
  unsupported_resource: 'this resource kind is unsupported',
  injection_enable_annotation_absent:
    'neither the namespace nor the pod have the annotation "linkerd.io/inject:enabled"',
  injection_disable_annotation_present: 'pod has the annotation "linkerd.io/inject:disabled"',
  invalid_inject_annotation_at_workload:
    'invalid value for annotation "linkerd.io/inject" at workload (expected enabled, disabled or ingress)',
  invalid_inject_annotation_at_ns:
    'invalid value for annotation "linkerd.io/inject" at namespace (expected enabled, disabled or ingress)',
  disabled_automount_service_account_token_account:
    'automountServiceAccountToken set to "false", with Values.identity.serviceAccountTokenProjection set to "false"',
  udp_ports_enabled: 'UDP port(s) configured on pod spec',
  control_plane_component_needs_manual: '--manual must be set when injecting control plane components',
  no_pod_template: 'the workload has no pod template (spec)',
  invalid_object: 'not a Kubernetes object',
  mutator_failed: 'an injector mutator failed',
};

/** Builds a {@link Reason}, optionally with details appended to the standard message. */
export function reason(code: SkipReasonCode, detail?: string): Reason {
  return { code, message: detail === undefined ? MESSAGES[code] : `${MESSAGES[code]}: ${detail}` };
}

/** Reasons that make the CLI fail (`failed to inject …`, exit 1) rather than skip quietly. */
export const FATAL_REASONS: ReadonlySet<SkipReasonCode> = new Set([
  SkipReason.hostNetwork,
  SkipReason.sidecarExists,
  SkipReason.disabledAutomountServiceAccountToken,
  SkipReason.controlPlaneNeedsManual,
  SkipReason.noPodTemplate,
  SkipReason.invalidObject,
  SkipReason.mutatorFailed,
]);
