export { type ComputedPolicy, computeInboundPolicy, type PolicySnapshot } from './compute-policy.js';
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
} from './inbound-policy.js';
export type { LabelSelectorSpec } from './label-selector-spec.js';
export {
  ALL_NETWORKS,
  defaultAuthorizations,
  defaultRef,
  eachNetwork,
  meshTLSFrom,
} from './policy-authorizations.js';
export { InboundPolicyClient, type InboundPolicyClientOptions } from './policy-client.js';
export { encodeInboundServer, type InboundServerProps } from './policy-encoding.js';
export { InvalidPolicyError } from './policy-error.js';
export {
  inboundPolicyFromServer,
  LOCALHOST_AUTHORIZATION,
  type PolicyConversionOptions,
} from './policy-from-server.js';
export {
  DEFAULT_INBOUND_POLICY_ANNOTATION,
  type PolicyIndex,
  type PolicyPod,
  REQUIRE_IDENTITY_PORTS_ANNOTATION,
} from './policy-index.js';
export {
  type AuthenticationRef,
  type AuthorizationPolicySpec,
  type AuthorizationTarget,
  type MeshTLSAuthenticationSpec,
  type NetworkAuthenticationSpec,
  parseAuthorizationPolicy,
  parseMeshTLSAuthentication,
  parseNetworkAuthentication,
  parseNetworks,
  parseServer,
  parseServerAuthorization,
  type ResourceId,
  type ServerAuthorizationSpec,
  type ServerSpec,
} from './policy-resources.js';
export {
  DEFAULT_CLUSTER_NETWORKS,
  DEFAULT_POLICY_NAMES,
  isDefaultPolicyName,
  type PolicySettings,
  type PolicySettingsInput,
  policySettings,
  serviceAccountIdentity,
} from './policy-settings.js';
export type { PolicySource } from './policy-source.js';
export {
  parseStaticPolicy,
  STATIC_POLICY_FIELDS,
  type StaticPolicy,
  StaticPolicyIndex,
  staticPolicySettings,
} from './static-policy.js';
export {
  StaticPolicySource,
  type StaticPolicySourceOptions,
  staticPolicyIndex,
} from './static-policy-source.js';
export { parseWorkload, type Workload, workloadKey } from './workload.js';
