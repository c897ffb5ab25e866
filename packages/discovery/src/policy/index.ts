export {
  type Authorization,
  type AuthorizationResult,
  type AuthzAuthentication,
  type AuthzNetwork,
  authorize,
  type DefaultPolicyName,
  defaultInboundPolicy,
  type InboundPolicy,
  type PolicyClient,
  type PolicyProtocol,
  type PolicyRef,
} from './inbound-policy.js';
