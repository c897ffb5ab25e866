/**
 * `@skein/discovery/server`: the Destination API server and the inbound policy server
 * (`InboundServerPolicies`) — Kubernetes informers as Observables, the Kubernetes and static
 * backends, and the gRPC services with shared fan-out.
 *
 * @packageDocumentation
 */
export { computedView } from '../kube/computed-view.js';
export type { Interest } from '../kube/interest-router.js';
export { KubeDestinationBackend, type KubeDestinationBackendOptions } from '../kube/kube-backend.js';
export {
  KubeCluster,
  type KubeClusterOptions,
  podIps,
  SERVICE_NAME_LABEL,
  serviceIps,
} from '../kube/kube-cluster.js';
export { KubePolicyBackend, type KubePolicyBackendOptions } from '../kube/kube-policy-backend.js';
export { KubePolicyCluster, type KubePolicyClusterOptions } from '../kube/kube-policy-cluster.js';
export { matchesSelector } from '../kube/label-selector.js';
export {
  trimEndpointSlice,
  trimMetadata,
  trimNode,
  trimPod,
  trimService,
  trimToOwnerRefs,
} from '../kube/object-trim.js';
export {
  CONTROL_PLANE_NS_LABEL,
  DEFAULT_WEIGHT,
  OPAQUE_PORTS_ANNOTATION,
  type PodLookup,
  PROXY_CONTAINER_NAME,
  SKIP_INBOUND_PORTS_ANNOTATION,
  type WeightedAddrOptions,
  weightedAddr,
} from '../kube/pod-endpoint.js';
export { policyKinds, policyPod, trimPolicyPod } from '../kube/policy-kinds.js';
export { PolicyWatchMetrics } from '../kube/policy-watch-metrics.js';
export { kinds, type PolicyServer, type ServiceProfileResource } from '../kube/resource-kinds.js';
export {
  LIST_PAGE_SIZE,
  type ListPage,
  pagedList,
  type ResourceEvent,
  type ResourceKind,
  ResourceWatch,
  type ResourceWatchOptions,
} from '../kube/resource-watch.js';
export {
  type Computed,
  computeEndpoints,
  type EndpointQuery,
  ZONE_LABEL,
} from '../kube/service-endpoints.js';
export { computeProfile } from '../kube/service-profiles.js';
export { WatchMetrics } from '../kube/watch-metrics.js';
export {
  type PolicySettings,
  type PolicySettingsInput,
  policySettings,
} from '../policy/policy-settings.js';
export {
  InboundPolicyServer,
  type InboundPolicyServerOptions,
  inboundPolicyServerDefinition,
} from '../policy/server/inbound-policy-server.js';
export type { PolicyBackend } from '../policy/server/policy-backend.js';
export { PolicyServerMetrics } from '../policy/server/policy-server-metrics.js';
export { policyTranslator } from '../policy/server/policy-translator.js';
export {
  type RunningPolicyServer,
  type ServePolicyOptions,
  servePolicy,
} from '../policy/server/serve-policy.js';
export {
  StaticPolicyBackend,
  type StaticPolicyBackendOptions,
} from '../policy/server/static-policy-backend.js';
export {
  defaultRetryBudget,
  type ProfileTarget,
  translateServiceProfile,
} from '../profile/profile-translator.js';
export { StaticDestinationBackend, type StaticDestinationBackendOptions } from '../static/static-backend.js';
export { type ClientContext, EMPTY_CLIENT_CONTEXT, parseContextToken } from './context-token.js';
export type {
  DestinationBackend,
  DestinationProfileProps,
  EndpointSnapshot,
  ProfileSnapshot,
  SnapshotSource,
  WeightedAddrProps,
} from './destination-backend.js';
export { type DestinationMethod, DestinationMetrics } from './destination-metrics.js';
export {
  DestinationServer,
  type DestinationServerOptions,
  destinationServerDefinition,
} from './destination-server.js';
export {
  type DestinationTarget,
  parseDestinationPath,
  parseServiceName,
  type ServiceName,
} from './destination-target.js';
export { weightedAddrFromEndpoint } from './endpoint-to-weighted-addr.js';
export {
  defaultMeshedHttp2ClientParams,
  type MeshSettings,
  type MeshSettingsInput,
  meshSettings,
} from './mesh-settings.js';
export {
  type RunningDestinationServer,
  type ServeDestinationOptions,
  serveDestination,
} from './serve-destination.js';
export type { TopicTranslator } from './snapshot-topic.js';
