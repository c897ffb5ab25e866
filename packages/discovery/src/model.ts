/**
 * `@skein/discovery/model`: the light part of discovery — the endpoint, profile and inbound
 * policy models, the static discovery file, and authority normalization — without the gRPC
 * client or server. A proxy that only reads a static file loads this and nothing more.
 *
 * @packageDocumentation
 */
export {
  type DiscoveredProfile,
  type DstOverride,
  findRoute,
  matchRequest,
  type ProfileRoute,
  type RequestMatcher,
} from './client/profile-model.js';
export { type DiscoveredEndpoint, type EndpointIdentity, endpointAddress } from './endpoint.js';
export {
  type Authorization,
  type AuthorizationResult,
  type AuthzAuthentication,
  type AuthzNetwork,
  authorize,
  authorizeRequest,
  type DefaultPolicyName,
  defaultInboundPolicy,
  type InboundPolicy,
  type PolicyClient,
  type PolicyProtocol,
  type PolicyRef,
  type ProbeRoute,
} from './policy/inbound-policy.js';
export {
  normalizeAuthority,
  parseStaticDiscovery,
  type StaticAuthority,
  type StaticDiscovery,
} from './static/static-file.js';
