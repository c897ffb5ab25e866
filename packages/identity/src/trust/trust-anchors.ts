import { IdentityError, IdentityErrorCode } from '../errors.js';
import { type CertificateInfo, readCertificate } from '../x509/certificate-info.js';
import { decodeCertificatesPem, encodePem } from '../x509/pem.js';

/**
 * A bundle of trust anchors (root certificates). Several anchors are normal during anchor
 * rotation: a chain is trusted when it leads to any of them.
 *
 * @example
 * ```ts
 * const anchors = TrustAnchors.fromPem(process.env.LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS ?? '');
 * anchors.certificates.map((c) => c.subjectCommonName); // ['root.linkerd.cluster.local', …]
 * ```
 */
export class TrustAnchors {
  /** The anchors, in bundle order. */
  readonly certificates: readonly CertificateInfo[];
  /** The bundle as PEM (one block per anchor), for `tls.createSecureContext({ ca })`. */
  readonly pem: string;

  private constructor(certificates: CertificateInfo[]) {
    this.certificates = certificates;
    this.pem = certificates.map((c) => encodePem('CERTIFICATE', c.der)).join('');
  }

  /**
   * Reads a PEM bundle of one or more anchors.
   * @param source - names the input in errors (an env var, a file path).
   * @throws {@link IdentityError} when the text holds no certificate or a block is not one.
   */
  static fromPem(pem: string, source = 'trust anchors'): TrustAnchors {
    const ders = decodeCertificatesPem(pem, source);
    return new TrustAnchors(ders.map((der, i) => readCertificate(der, `${source}: certificate #${i + 1}`)));
  }

  /** Builds a bundle from DER certificates (or certificates already read). */
  static fromCertificates(certificates: ReadonlyArray<Uint8Array | CertificateInfo>): TrustAnchors {
    if (certificates.length === 0) {
      throw new IdentityError(
        IdentityErrorCode.Certificate,
        'trust anchors: expected at least one certificate, got none',
      );
    }
    return new TrustAnchors(certificates.map((c) => (c instanceof Uint8Array ? readCertificate(c) : c)));
  }

  /** A bundle holding these anchors and `other`'s (duplicates dropped), as used during anchor rotation. */
  merge(other: TrustAnchors): TrustAnchors {
    const seen = new Set(this.certificates.map((c) => c.x509.fingerprint256));
    return new TrustAnchors([
      ...this.certificates,
      ...other.certificates.filter((c) => !seen.has(c.x509.fingerprint256)),
    ]);
  }

  /** The anchors that issued `cert` and whose key verifies its signature. */
  issuersOf(cert: CertificateInfo): CertificateInfo[] {
    return this.certificates.filter(
      (a) => cert.x509.checkIssued(a.x509) && cert.x509.verify(a.x509.publicKey),
    );
  }
}
