/**
 * `@skein/discovery/server`: the Destination API server — Kubernetes informers as Observables,
 * the Kubernetes and static backends, and the gRPC service with shared fan-out.
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
