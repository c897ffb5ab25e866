import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { verifyChain } from '../trust/chain-verifier.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import { type CertificateInfo, firstSanIdentity, readCertificate } from '../x509/certificate-info.js';
import { Oid } from '../x509/oids.js';

/** What a server learned about its client. */
export interface PeerVerification {
  /** The client's identity (its first SAN), or `undefined` when it sent no certificate. */
  readonly identity: string | undefined;
  /** The client's leaf certificate, when it sent one. */
  readonly certificate: CertificateInfo | undefined;
}

/**
 * Verifies the certificate a TLS client presented and returns its identity; no certificate is an
 * unauthenticated peer, not an error. A `tls.Server` has OpenSSL verify the chain against the
 * context's anchors (`authorized` / `authorizationError`); a `TLSSocket` made outside a server is
 * not verified by Node, so the chain is checked here against `anchors`, with the certificates the
 * client sent and `knownIntermediates` as candidate intermediates.
 * @throws `IdentityError` when a certificate was sent but does not chain to the anchors or is not valid now.
 */
export function verifyClientCertificate(
  socket: TLSSocket,
  anchors: TrustAnchors,
  knownIntermediates: readonly CertificateInfo[] = [],
  now: number = Date.now(),
): PeerVerification {
  const peer = socket.getPeerCertificate(true);
  if (peer === null || peer.raw === undefined) return { identity: undefined, certificate: undefined };
  const leaf = readCertificate(new Uint8Array(peer.raw), 'client certificate');
  if (socket.authorized) return { identity: firstSanIdentity(leaf), certificate: leaf };
  const nodeError: unknown = socket.authorizationError;
  if (nodeError !== undefined && nodeError !== null) {
    const code = nodeError instanceof Error ? nodeError.message : String(nodeError);
    throw new IdentityError(
      IdentityErrorCode.Chain,
      `client certificate "${firstSanIdentity(leaf) ?? leaf.subjectCommonName ?? ''}" was refused: ${code}`,
    );
  }
  // Node links the certificates the client sent through `issuerCertificate`; any may be an intermediate.
  const candidates: CertificateInfo[] = [...knownIntermediates];
  const seen = new Set<DetailedPeerCertificate>([peer]);
  for (
    let c = peer.issuerCertificate;
    c !== undefined && c !== null && !seen.has(c);
    c = c.issuerCertificate
  ) {
    seen.add(c);
    candidates.push(readCertificate(new Uint8Array(c.raw), 'client chain certificate'));
  }
  verifyChain(leaf, candidates, anchors, { now });
  // OpenSSL checks the purpose in a tls.Server; do the same: an EKU, when present, must allow client auth.
  const eku = leaf.extKeyUsage;
  if (eku !== undefined && !eku.includes(Oid.clientAuth) && !eku.includes(Oid.anyExtendedKeyUsage)) {
    throw new IdentityError(
      IdentityErrorCode.Chain,
      `client certificate "${firstSanIdentity(leaf) ?? leaf.subjectCommonName ?? ''}" is not for client authentication (EKU ${eku.join(', ')})`,
    );
  }
  return { identity: firstSanIdentity(leaf), certificate: leaf };
}
