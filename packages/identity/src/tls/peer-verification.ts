import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { verifyChain } from '../trust/chain-verifier.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import { type CertificateInfo, firstSanIdentity, readCertificate } from '../x509/certificate-info.js';

/** What a server learned about its client. */
export interface PeerVerification {
  /** The client's identity (its first SAN), or `undefined` when it sent no certificate. */
  readonly identity: string | undefined;
  /** The client's leaf certificate, when it sent one. */
  readonly certificate: CertificateInfo | undefined;
}

/**
 * Verifies the certificate a TLS client presented against `anchors` (Node does not for a
 * `TLSSocket` made outside a `tls.Server`) and returns its identity; no certificate is an
 * unauthenticated peer, not an error.
 * @throws `IdentityError` when a certificate was sent but does not chain to the anchors or is not valid now.
 */
export function verifyClientCertificate(
  socket: TLSSocket,
  anchors: TrustAnchors,
  now = Date.now(),
): PeerVerification {
  const peer = socket.getPeerCertificate(true);
  if (peer === null || peer.raw === undefined) return { identity: undefined, certificate: undefined };
  const leaf = readCertificate(new Uint8Array(peer.raw), 'client certificate');
  // Node links the certificates the client sent through `issuerCertificate`; any of them may be an intermediate.
  const candidates: CertificateInfo[] = [];
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
  return { identity: firstSanIdentity(leaf), certificate: leaf };
}
