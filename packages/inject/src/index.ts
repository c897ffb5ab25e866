/**
 * `@skein/inject`: Linkerd's proxy injector (and viz's tap injector) as pure functions over
 * plain Kubernetes objects, plus the YAML stream handling of `skein inject` and the admission
 * webhooks.
 *
 * @packageDocumentation
 */
export {
  ANNOTATION_SPECS,
  type AnnotationSpec,
  type OverrideContext,
  type OverrideFlags,
} from './annotations/annotation-specs.js';
export {
  applyAnnotationOverrides,
  INHERITED_ANNOTATIONS,
  inheritedAnnotations,
  type OverriddenValues,
} from './annotations/apply-overrides.js';
export { Annotation, InjectedName, InjectMode, Label } from './annotations/names.js';
export { type FlagKind, INJECT_FLAGS, type InjectFlag } from './cli/inject-flags.js';
export {
  type CliInjectConfig,
  type CliInjectInput,
  resolveCliInjectConfig,
} from './cli/resolve-cli-config.js';
export { type Decision, type DecisionInput, decideInjection, type InjectOrigin } from './decide/decide.js';
export { hasExistingSidecar } from './decide/existing-sidecar.js';
export {
  FATAL_REASONS,
  type Reason,
  reason,
  SkipReason,
  type SkipReasonCode,
} from './decide/skip-reasons.js';
export {
  AdmissionReviewError,
  InjectErrorCode,
  ManifestError,
  SetArgumentError,
  ValuesError,
} from './errors.js';
export { normalizeWorkload } from './k8s/normalize.js';
export { type PodOwner, podInboundPorts, podOwner } from './k8s/pod-facts.js';
export type {
  Capabilities,
  Container,
  ContainerPort,
  EnvVar,
  KubeObject,
  ObjectMeta,
  OwnerReference,
  PodSpec,
  PodTemplate,
  Probe,
  SecurityContext,
  Volume,
  VolumeMount,
} from './k8s/types.js';
export {
  INJECTABLE_KINDS,
  locatePodTemplate,
  podTemplatePrefix,
  type WorkloadTemplate,
} from './k8s/workload.js';
export { diffJson } from './patch/json-diff.js';
export { applyJsonPatch, escapePointerSegment, type JsonPatchOperation } from './patch/json-patch.js';
export { formatReport } from './report/format-report.js';
export type { ReportOutcome, ResourceReport } from './report/resource-report.js';
export { type ManifestInput, readManifestInputs } from './stream/manifest-files.js';
export { type ManifestFormat, serializeObject } from './stream/serialize.js';
export {
  type ManifestMode,
  type TransformManifestsOptions,
  type TransformManifestsResult,
  transformManifests,
} from './stream/transform-manifests.js';
export {
  checkTapServiceName,
  serviceAccountIdentity,
  TapInjection,
  type TapInjectOptions,
  type TapInjectResult,
  type TapSkipReason,
  tapInjectPod,
} from './tap/tap-injection.js';
export { type InjectOptions, Injector, type InjectorOptions } from './transform/injector.js';
export type { InjectMutator, MutatorContext } from './transform/mutator.js';
export type { InjectResult } from './transform/results.js';
export { trustRootSha256 } from './transform/trust-root.js';
export { type UninjectResult, uninjectObject } from './transform/uninject.js';
export { DEFAULT_OPAQUE_PORTS, defaultValues, SKEIN_PROXY_IMAGE } from './values/defaults.js';
export { getValueAt, type ResolvedValues, resolveValues } from './values/resolve-values.js';
export { INBOUND_POLICIES } from './values/schema.js';
export { parseSetArguments } from './values/set-argument.js';
export type {
  ImageValues,
  NetworkValidatorValues,
  ProxyInitValues,
  ProxyParams,
  ProxyParamValue,
  ProxyResourcesValues,
  ProxyValues,
  ResourceValues,
  Values,
} from './values/types.js';
export { type AdminServer, type AdminServerOptions, startAdminServer } from './webhook/admin-server.js';
export {
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReview,
  parseAdmissionReview,
  reviewResponse,
} from './webhook/admission-review.js';
export {
  type AdmissionServer,
  type AdmissionServerOptions,
  MAX_ADMISSION_BODY_BYTES,
  startAdmissionServer,
} from './webhook/admission-server.js';
export {
  type CertificateKeyPair,
  type CertificatePaths,
  readCertificateFiles,
  watchCertificateFiles,
} from './webhook/certificate-files.js';
export {
  type AdmissionHandler,
  createInjectorAdmissionHandler,
  type InjectorHandlerOptions,
  type NamespaceLookup,
  type NamespaceObject,
  type OwnerLookup,
} from './webhook/injector-handler.js';
export { type AdmissionLabels, InjectorMetrics } from './webhook/injector-metrics.js';
export { type ListenAddress, parseListenAddress } from './webhook/listen-address.js';
export { createServiceProfileAdmissionHandler } from './webhook/sp-validator-handler.js';
export {
  createTapInjectorAdmissionHandler,
  type TapInjectorHandlerOptions,
} from './webhook/tap-injector-handler.js';
