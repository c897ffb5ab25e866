import { constants } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { TrustAnchors } from '../trust/trust-anchors.js';

/** linkerd2-proxy's TLS 1.3 cipher suites, in its order. */
export const MESH_TLS_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
/** Key exchange groups: linkerd2-proxy's minus X25519MLKEM768, which this OpenSSL lacks. */
export const MESH_TLS_GROUPS = 'X25519:P-256:P-384';
/**
 * Signature schemes accepted from a peer (linkerd2-proxy's webpki list): ECDSA P-256/384/521,
 * Ed25519, RSA-PSS and PKCS#1 with SHA-2. No SHA-1.
 */
export const MESH_TLS_SIGALGS = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
].join(':');
/** ALPN id announcing the transport header (spec data-plane §1.10). */
export const TRANSPORT_ALPN = 'transport.l5d.io/v1';
/** Default ALPN protocols of the mesh server: the transport header, then HTTP/2. */
export const DEFAULT_MESH_ALPN: readonly string[] = [TRANSPORT_ALPN, 'h2'];

// OpenSSL security level 2 refuses RSA keys under 2048 bits and SHA-1 signatures in chains. TLS
// 1.2 ciphers never apply (TLS 1.3 only); one is named because the list may not be empty.
const CIPHER_LIST = `${MESH_TLS_CIPHERS}:ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=2`;

/** Key material for a secure context: a certificate chain (PEM) and its key (PEM). */
export interface TlsIdentityPem {
  /** Leaf then intermediates, PEM. */
  certificatePem: string;
  /** PKCS#8 PEM key. */
  keyPem: string;
}

function meshContext(anchors: TrustAnchors, identity: TlsIdentityPem | undefined): SecureContext {
  return createSecureContext({
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ciphers: CIPHER_LIST,
    ecdhCurve: MESH_TLS_GROUPS,
    sigalgs: MESH_TLS_SIGALGS,
    ca: anchors.pem,
    // No session tickets: every handshake authenticates afresh against the current trust.
    secureOptions: constants.SSL_OP_NO_TICKET,
    ...(identity === undefined ? {} : { cert: identity.certificatePem, key: identity.keyPem }),
  });
}

/** The mesh's TLS 1.3 server context: presents `identity`, verifies client certificates against `anchors`. */
export function serverTlsContext(anchors: TrustAnchors, identity: TlsIdentityPem): SecureContext {
  return meshContext(anchors, identity);
}

/** The mesh's TLS 1.3 client context: presents `identity` when given, verifies servers against `anchors`. */
export function clientTlsContext(anchors: TrustAnchors, identity: TlsIdentityPem | undefined): SecureContext {
  return meshContext(anchors, identity);
}
