import { IdentityError, IdentityErrorCode } from '../errors.js';
import type { CertificateInfo } from '../x509/certificate-info.js';
import type { TrustAnchors } from './trust-anchors.js';

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /** The time to check validity at (ms since the epoch). Default: now. */
  now?: number;
  /** Tolerated clock difference (ms) on both ends of each validity period. Default: 0. */
  clockSkewMs?: number;
  /** Longest chain accepted, anchor excluded. Default: 8. */
  maxDepth?: number;
}

function describe(cert: CertificateInfo): string {
  return cert.subjectCommonName ?? cert.altNames.all[0] ?? `serial ${cert.serialNumber}`;
}

function checkValidity(cert: CertificateInfo, now: number, skew: number, role: string): void {
  if (now + skew < cert.notBefore.getTime()) {
    throw new IdentityError(
      IdentityErrorCode.Chain,
      `${role} "${describe(cert)}" is not valid yet: valid from ${cert.notBefore.toISOString()}, now ${new Date(now).toISOString()}`,
    );
  }
  if (now - skew > cert.notAfter.getTime()) {
    throw new IdentityError(
      IdentityErrorCode.Chain,
      `${role} "${describe(cert)}" has expired: valid until ${cert.notAfter.toISOString()}, now ${new Date(now).toISOString()}`,
    );
  }
}

/**
 * Verifies that `leaf` chains to one of `anchors` through `intermediates` (in any order): each
 * signature verifies, each issuer is a CA, and every certificate (anchor included) is valid at
 * `now`. Returns the chain from the leaf to the anchor.
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CHAIN`) naming the certificate that failed.
 */
export function verifyChain(
  leaf: CertificateInfo,
  intermediates: readonly CertificateInfo[],
  anchors: TrustAnchors,
  options: VerifyChainOptions = {},
): CertificateInfo[] {
  const now = options.now ?? Date.now();
  const skew = options.clockSkewMs ?? 0;
  const maxDepth = options.maxDepth ?? 8;
  const chain = [leaf];
  checkValidity(leaf, now, skew, 'certificate');
  let current = leaf;
  for (let depth = 0; depth <= maxDepth; depth++) {
    const anchor = anchors.issuersOf(current)[0];
    if (anchor !== undefined) {
      checkValidity(anchor, now, skew, 'trust anchor');
      chain.push(anchor);
      return chain;
    }
    const next = intermediates.find(
      (c) => !chain.includes(c) && current.x509.checkIssued(c.x509) && current.x509.verify(c.x509.publicKey),
    );
    if (next === undefined) break;
    if (!next.isCa) {
      throw new IdentityError(
        IdentityErrorCode.Chain,
        `intermediate "${describe(next)}" signed "${describe(current)}" but is not a CA (basicConstraints CA:FALSE)`,
      );
    }
    checkValidity(next, now, skew, 'intermediate');
    chain.push(next);
    current = next;
  }
  const anchorNames = anchors.certificates.map((a) => `"${describe(a)}"`).join(', ');
  throw new IdentityError(
    IdentityErrorCode.Chain,
    `certificate "${describe(leaf)}" does not chain to the trust anchors (${anchorNames}): no issuer found for "${describe(current)}" (issuer "${current.issuerCommonName ?? '?'}")`,
  );
}

/**
 * Checks that `cert` names `identity` among its DNS or URI SANs (linkerd2-proxy's `verify_id`).
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_MISMATCH`) showing the SANs it has.
 */
export function verifyIdentity(cert: CertificateInfo, identity: string): void {
  if (cert.altNames.dns.includes(identity) || cert.altNames.uris.includes(identity)) return;
  const has = cert.altNames.all.length === 0 ? 'no SAN' : `SANs [${cert.altNames.all.join(', ')}]`;
  throw new IdentityError(
    IdentityErrorCode.Identity,
    `certificate identity mismatch: expected "${identity}", the certificate has ${has}`,
  );
}
