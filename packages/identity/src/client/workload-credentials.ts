import type { KeyObject } from 'node:crypto';
import type { SecureContext } from 'node:tls';
import { clientTlsContext, serverTlsContext } from '../tls/tls-settings.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import type { CertificateInfo } from '../x509/certificate-info.js';
import { encodePem } from '../x509/pem.js';

/**
 * The workload's current TLS credentials: its certificate chain, key, anchors and the TLS 1.3
 * contexts built from them once per certificate (so handshakes only pick one up).
 */
export interface WorkloadCredentials {
  /** The local identity (`IDENTITY_LOCAL_NAME`), also the leaf's SAN. */
  readonly localName: string;
  /** The leaf certificate. */
  readonly certificate: CertificateInfo;
  /** Certificates between the leaf and the anchors. */
  readonly intermediates: readonly CertificateInfo[];
  /** Leaf then intermediates, PEM. */
  readonly certificatePem: string;
  /** The private key, PKCS#8 PEM. */
  readonly keyPem: string;
  /** The private key. */
  readonly privateKey: KeyObject;
  /** The anchors peers are verified against. */
  readonly trustAnchors: TrustAnchors;
  /** The leaf's expiry as Certify reported it. */
  readonly validUntil: Date;
  /** TLS 1.3 server context presenting this certificate (for `new tls.TLSSocket(…, { secureContext })`). */
  readonly serverContext: SecureContext;
  /** TLS 1.3 client context presenting this certificate. */
  readonly clientContext: SecureContext;
}

/** Options of {@link workloadCredentials}. */
export interface WorkloadCredentialsInput {
  localName: string;
  certificate: CertificateInfo;
  intermediates: readonly CertificateInfo[];
  privateKey: KeyObject;
  keyPem: string;
  trustAnchors: TrustAnchors;
  validUntil?: Date;
}

/** Assembles {@link WorkloadCredentials}, building both TLS contexts. */
export function workloadCredentials(input: WorkloadCredentialsInput): WorkloadCredentials {
  const certificatePem = [input.certificate, ...input.intermediates]
    .map((c) => encodePem('CERTIFICATE', c.der))
    .join('');
  const identity = { certificatePem, keyPem: input.keyPem };
  return {
    localName: input.localName,
    certificate: input.certificate,
    intermediates: input.intermediates,
    certificatePem,
    keyPem: input.keyPem,
    privateKey: input.privateKey,
    trustAnchors: input.trustAnchors,
    validUntil: input.validUntil ?? input.certificate.notAfter,
    serverContext: serverTlsContext(input.trustAnchors, identity),
    clientContext: clientTlsContext(input.trustAnchors, identity),
  };
}
