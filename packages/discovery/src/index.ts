/**
 * `@skein/discovery`: service discovery for Skein — the Destination API client (Observables of
 * endpoints and profiles), the endpoint and profile models the proxy uses, the static discovery
 * file, and diagnostics. The server side (Kubernetes watchers, static backend, gRPC server) is
 * `@skein/discovery/server`.
 *
 * @packageDocumentation
 */
export { type BackoffOptions, ExponentialBackoff } from './backoff.js';
export { DestinationClient, type DestinationClientOptions } from './client/destination-client.js';
export { endpointFromWeightedAddr } from './client/endpoint-from-addr.js';
export { anchorRegex, profileFromMessage } from './client/profile-from-message.js';
export {
  type DiscoveredProfile,
  type DstOverride,
  findRoute,
  matchRequest,
  type ProfileRoute,
  type RequestMatcher,
} from './client/profile-model.js';
export type { DiagnoseOptions } from './diagnostics/collect-stream.js';
export {
  diagnoseEndpoints,
  type EndpointsDiagnosis,
  formatEndpoints,
} from './diagnostics/diagnose-endpoints.js';
export {
  diagnoseProfile,
  formatProfile,
  type ProfileDiagnosis,
  printableProfile,
} from './diagnostics/diagnose-profile.js';
export {
  DestinationError,
  DestinationStatus,
  type DestinationStatusCode,
  DiscoveryUnavailableError,
} from './discovery-error.js';
export { type DiscoveredEndpoint, type EndpointIdentity, endpointAddress } from './endpoint.js';
export { DEFAULT_OPAQUE_PORTS } from './opaque-ports.js';
export * from './policy/index.js';
export {
  normalizeAuthority,
  parseStaticDiscovery,
  type StaticAuthority,
  type StaticDiscovery,
} from './static/static-file.js';
export { type StaticFileWatchOptions, watchStaticDiscoveryFile } from './static/static-file-watch.js';
export type {
  StaticMesh,
  StaticService,
  StaticServiceEndpoint,
  StaticServicePort,
} from './static/static-services.js';
