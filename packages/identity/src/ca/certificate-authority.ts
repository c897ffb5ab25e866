import { IdentityError, IdentityErrorCode } from '../errors.js';
import { fixedExtensions, KeyUsageBit, signCertificate } from '../x509/certificate-builder.js';
import type { CsrInfo } from '../x509/csr.js';
import { nameDer } from '../x509/general-names.js';
import { Oid } from '../x509/oids.js';
import type { IssuerCredentials } from './issuer-credentials.js';

/** Linkerd's default certificate lifetime: 24 h. */
export const DEFAULT_ISSUANCE_LIFETIME_MS = 24 * 3600_000;
/** Linkerd's default clock-skew allowance: 20 s. */
export const DEFAULT_CLOCK_SKEW_MS = 20_000;

const LEAF_KEY_USAGE = [KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment];
const LEAF_EXT_KEY_USAGE = [Oid.serverAuth, Oid.clientAuth];

/** Options of {@link CertificateAuthority}. */
export interface CertificateAuthorityOptions {
  /** The issuer that signs. */
  issuer: IssuerCredentials;
  /** Lifetime of issued certificates (ms). Default: 24 h. */
  lifetimeMs?: number;
  /** Allowance for clock differences, added to both ends of validity (ms). Default: 20 s. */
  clockSkewMs?: number;
  /** Clock (ms since the epoch). Default: `Date.now`. */
  now?: () => number;
  /** The first serial number handed out. Default: 1. */
  firstSerial?: bigint;
}

/** A certificate the CA issued. */
export interface IssuedCertificate {
  /** The leaf (DER). */
  leaf: Uint8Array;
  /** The issuer and any certificates above it (DER), to send with the leaf. */
  intermediates: Uint8Array[];
  /** The leaf's not-after. */
  validUntil: Date;
  /** The serial number. */
  serial: bigint;
}

/**
 * Issues workload certificates as Linkerd's CA does (`pkg/tls/ca.go`): ECDSA-SHA256 signature,
 * subject and DNS SANs from the CSR, key usage digitalSignature + keyEncipherment, EKU server and
 * client auth, serials counting up, notBefore = now − skew, notAfter = now + lifetime + skew
 * clamped to the earliest expiry of the issuer chain.
 *
 * @example
 * ```ts
 * const ca = new CertificateAuthority({ issuer: issuerFromPem({ certificatePem, keyPem }) });
 * const { leaf, intermediates, validUntil } = ca.issue(parseCsr(csrDer));
 * ```
 */
export class CertificateAuthority {
  /** The issuer this CA signs with. */
  readonly issuer: IssuerCredentials;
  readonly #lifetimeMs: number;
  readonly #skewMs: number;
  readonly #now: () => number;
  readonly #intermediates: Uint8Array[];
  readonly #chainExpiry: number;
  readonly #issuerName: Uint8Array;
  readonly #extensions: Uint8Array[];
  #nextSerial: bigint;

  constructor(options: CertificateAuthorityOptions) {
    const lifetime = options.lifetimeMs ?? DEFAULT_ISSUANCE_LIFETIME_MS;
    const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    if (!Number.isFinite(lifetime) || lifetime <= 0) {
      throw new IdentityError(
        IdentityErrorCode.Certificate,
        `lifetimeMs: expected a positive number, got ${lifetime}`,
      );
    }
    if (!Number.isFinite(skew) || skew < 0) {
      throw new IdentityError(
        IdentityErrorCode.Certificate,
        `clockSkewMs: expected a number ≥ 0, got ${skew}`,
      );
    }
    this.issuer = options.issuer;
    this.#lifetimeMs = lifetime;
    this.#skewMs = skew;
    this.#now = options.now ?? Date.now;
    this.#nextSerial = options.firstSerial ?? 1n;
    const chain = [options.issuer.certificate, ...options.issuer.chain];
    this.#intermediates = chain.map((c) => c.der);
    this.#chainExpiry = Math.min(...chain.map((c) => c.notAfter.getTime()));
    this.#issuerName = nameDer(options.issuer.certificate.parsed.subject);
    // Key usage, EKU and AKI are the same for every leaf: encode them once.
    this.#extensions = fixedExtensions({
      issuer: this.#issuerName,
      publicKeyInfo: new Uint8Array(),
      keyUsage: LEAF_KEY_USAGE,
      extKeyUsage: LEAF_EXT_KEY_USAGE,
      authorityKeyId: options.issuer.certificate.subjectKeyId,
    });
  }

  /** The earliest not-after of the issuer chain: no certificate is valid past it. */
  get issuerExpiry(): Date {
    return new Date(this.#chainExpiry);
  }

  /**
   * Signs a certificate for the CSR's subject, public key and DNS SANs. The caller checks the
   * CSR (see {@link checkCsr}); this only signs.
   */
  issue(csr: CsrInfo): IssuedCertificate {
    const now = this.#now();
    // Whole seconds, as X.509 times have no fractions; a rounded-down notAfter stays within the clamp.
    const notBefore = Math.floor((now - this.#skewMs) / 1000) * 1000;
    const notAfter =
      Math.floor(Math.min(now + this.#lifetimeMs + this.#skewMs, this.#chainExpiry) / 1000) * 1000;
    const serial = this.#nextSerial;
    this.#nextSerial += 1n;
    const leaf = signCertificate(
      {
        serial,
        subject: csr.subject,
        issuer: this.#issuerName,
        publicKeyInfo: csr.publicKeyInfo,
        notBefore: new Date(notBefore),
        notAfter: new Date(notAfter),
        dnsNames: csr.altNames.dns,
        keyUsage: LEAF_KEY_USAGE,
        extKeyUsage: LEAF_EXT_KEY_USAGE,
        authorityKeyId: this.issuer.certificate.subjectKeyId,
      },
      this.issuer.key,
      this.#extensions,
    );
    return { leaf, intermediates: this.#intermediates, validUntil: new Date(notAfter), serial };
  }
}
