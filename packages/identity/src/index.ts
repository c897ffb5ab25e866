/**
 * `@skein/identity`: Linkerd-compatible workload identity. A certificate authority and the
 * `Certify` gRPC service, token validation (TokenReview or static), the proxy's identity client
 * with rotation, mTLS for Node's `tls`, and trust-anchor/issuer generation and checks.
 *
 * @packageDocumentation
 */
export {
  CertificateAuthority,
  type CertificateAuthorityOptions,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_ISSUANCE_LIFETIME_MS,
  type IssuedCertificate,
} from './ca/certificate-authority.js';
export { checkCsr } from './ca/check-csr.js';
export {
  type IssuerCredentials,
  type IssuerPem,
  issuerFromPem,
  verifyIssuer,
} from './ca/issuer-credentials.js';
export { CertifyMetrics } from './certify/certify-metrics.js';
export { type CertifyServer, startCertifyServer } from './certify/certify-server.js';
export {
  type CertifyEvent,
  CertifyRejectedError,
  type CertifyRequest,
  type CertifyResult,
  CertifyService,
  type CertifyServiceOptions,
} from './certify/certify-service.js';
export {
  IDENTITY_TOKEN_AUDIENCE,
  KubernetesTokenValidator,
  type KubernetesTokenValidatorOptions,
} from './certify/kubernetes-token-validator.js';
export { StaticTokenValidator } from './certify/static-token-validator.js';
export {
  serviceAccountIdentity,
  subjectFromUsername,
  TokenRejectedError,
  type TokenRejectionReason,
  type TokenSubject,
  type TokenValidator,
} from './certify/token-validator.js';
export {
  type CertifyFunction,
  type GrpcCertify,
  type GrpcCertifyOptions,
  grpcCertify,
} from './client/certify-transport.js';
export {
  type ControlPlaneChannel,
  type ControlPlaneIdentity,
  controlPlaneCredentials,
} from './client/control-plane-credentials.js';
export { generateKeyMaterial, type KeyMaterial, loadKeyMaterial } from './client/key-material.js';
export { DEFAULT_MAX_REFRESH_MS, DEFAULT_MIN_REFRESH_MS, refreshDelayMs } from './client/refresh-delay.js';
export {
  type WorkloadCredentials,
  type WorkloadCredentialsInput,
  workloadCredentials,
} from './client/workload-credentials.js';
export {
  type CertificateRefreshMetrics,
  WorkloadIdentity,
  type WorkloadIdentityOptions,
} from './client/workload-identity.js';
export { IdentityError, IdentityErrorCode, type IdentityErrorCodeValue } from './errors.js';
export {
  ISSUER_FILE_PAIRS,
  type IssuerLoad,
  loadIssuerDirectory,
  type WatchIssuerOptions,
  watchIssuerDirectory,
} from './issuer/issuer-directory.js';
export { type DialOptions, MeshTlsDialer, type MeshTlsDialerOptions } from './tls/mesh-tls-dialer.js';
export {
  type AcceptedConnection,
  type CredentialsSource,
  createMeshTlsServer,
  MeshTlsServer,
  type MeshTlsServerOptions,
} from './tls/mesh-tls-server.js';
export { type PeerVerification, verifyClientCertificate } from './tls/peer-verification.js';
export {
  clientTlsContext,
  DEFAULT_MESH_ALPN,
  MESH_TLS_CIPHERS,
  MESH_TLS_GROUPS,
  MESH_TLS_SIGALGS,
  serverTlsContext,
  type TlsIdentityPem,
  TRANSPORT_ALPN,
} from './tls/tls-settings.js';
export { type VerifyChainOptions, verifyChain, verifyIdentity } from './trust/chain-verifier.js';
export {
  type CertificateCheckOptions,
  type CheckResult,
  type CheckStatus,
  checkIssuer,
  checkTrustAnchors,
  type IssuerCheckOptions,
} from './trust/check.js';
export {
  type CaCredentials,
  DEFAULT_CA_LIFETIME_MS,
  generateIssuer,
  generateTrustAnchor,
  type IssuerOptions,
  issuerName,
  type TrustAnchorOptions,
} from './trust/generate.js';
export { TrustAnchors } from './trust/trust-anchors.js';
export {
  type CertificateInfo,
  firstSanIdentity,
  type KeyAlgorithm,
  readCertificate,
} from './x509/certificate-info.js';
export { type CsrInfo, createCsr, parseCsr } from './x509/csr.js';
export type { AltNames } from './x509/general-names.js';
export { decodeCertificatesPem, decodePem, encodePem, type PemBlock } from './x509/pem.js';
