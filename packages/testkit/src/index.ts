/**
 * `@skein/testkit`: test-only infrastructure for Skein. A Kubernetes API server speaking the
 * real wire protocol, and small process, port and polling helpers. Never imported by shipped code.
 *
 * @packageDocumentation
 */

export {
  expectTyped,
  FUZZ_RUNS,
  FUZZ_SEED,
  FuzzSuite,
  type FuzzTarget,
  HangWatchdog,
} from './fuzz/fuzz-suite.js';
export type { AccessAttributes, AccessDecision, AccessRule } from './kube/access-rules.js';
export type { WebhookServiceRef, WebhookServiceResolver } from './kube/admission-chain.js';
export type { KubeVersionInfo } from './kube/discovery.js';
export { type KubeApiServer, type KubeApiServerOptions, startKubeApiServer } from './kube/kube-api-server.js';
export { KubeAuth, type ServiceAccountTokenOptions, type TokenOptions } from './kube/kube-auth.js';
export { KubeFaults, type WatchFailureOptions } from './kube/kube-faults.js';
export type { JsonValue, KubeObject, ObjectMeta, StoredObject } from './kube/kube-object.js';
export { type KubeObjectInput, KubeStore } from './kube/kube-store.js';
export type {
  KubeConfigCluster,
  KubeConfigContext,
  KubeConfigOptions,
  KubeConfigUser,
} from './kube/kubeconfig.js';
export { linkerdCrds } from './kube/linkerd-crds.js';
export { type RecordedRequest, type RequestFilter, RequestLog } from './kube/request-log.js';
export {
  KUBE_API_ERROR_CODE,
  KubeApiError,
  type KubeStatus,
  type StatusCause,
  type StatusDetails,
} from './kube/status.js';
export type { TokenReviewStatus, TokenUser } from './kube/token-registry.js';
export type { WatchInfo } from './kube/watch-session.js';
export * from './netns/index.js';
export { allocatePort } from './process/allocate-port.js';
export {
  closeAllProcesses,
  PROCESS_ERROR_CODE,
  ProcessError,
  type ProcessExit,
  type RunningProcess,
  type RunProcessOptions,
  runProcess,
} from './process/run-process.js';
export {
  type ReliabilityResult,
  type ReliabilitySuite,
  recordReliability,
  reliabilityDir,
} from './reliability/reliability-record.js';
export {
  type CertificatePair,
  type SelfSignedOptions,
  selfSignedCertificate,
} from './tls/self-signed-cert.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
