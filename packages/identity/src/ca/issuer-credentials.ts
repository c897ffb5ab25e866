import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { verifyChain } from '../trust/chain-verifier.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import { type CertificateInfo, readCertificate } from '../x509/certificate-info.js';
import { decodeCertificatesPem } from '../x509/pem.js';

/** An issuer: its certificate (a CA), the certificates above it to send along, and its private key. */
export interface IssuerCredentials {
  /** The issuer certificate. */
  readonly certificate: CertificateInfo;
  /** Further certificates from the issuer's PEM (intermediates above it), in file order. */
  readonly chain: readonly CertificateInfo[];
  /** The issuer's private key. */
  readonly key: KeyObject;
}

/** PEM input of {@link issuerFromPem}. */
export interface IssuerPem {
  /** The issuer certificate first, then any intermediates (`crt.pem` / `tls.crt`). */
  certificatePem: string;
  /** The private key: PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) (`key.pem` / `tls.key`). */
  keyPem: string;
  /** Names the input in errors (e.g. the directory). */
  source?: string;
}

/**
 * Reads issuer credentials from PEM and checks that they can sign: the certificate is a CA and
 * the key is its key (ECDSA P-256 or P-384).
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CERTIFICATE`) saying which check failed.
 */
export function issuerFromPem(input: IssuerPem): IssuerCredentials {
  const source = input.source ?? 'issuer';
  const [first, ...rest] = decodeCertificatesPem(input.certificatePem, `${source} certificate`).map(
    (der, i) => readCertificate(der, `${source} certificate #${i + 1}`),
  );
  if (first === undefined)
    throw new IdentityError(IdentityErrorCode.Certificate, `${source}: no certificate`);
  let key: KeyObject;
  try {
    key = createPrivateKey(input.keyPem);
  } catch (err) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source} key: expected a PEM private key (PKCS#8 or EC PRIVATE KEY): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'secp384r1')) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source} key: expected an ECDSA P-256 or P-384 key, got ${key.asymmetricKeyType ?? 'unknown'}${curve === undefined ? '' : ` ${curve}`}`,
    );
  }
  if (!first.isCa) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source} certificate "${first.subjectCommonName ?? ''}" is not a CA (basicConstraints CA:TRUE is required)`,
    );
  }
  const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
  if (!spki(createPublicKey(key)).equals(spki(first.x509.publicKey))) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source}: the private key does not belong to the certificate "${first.subjectCommonName ?? ''}"`,
    );
  }
  return { certificate: first, chain: rest, key };
}

/**
 * Checks that the issuer is signed by one of `anchors` and valid at `now`.
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CHAIN`).
 */
export function verifyIssuer(issuer: IssuerCredentials, anchors: TrustAnchors, now = Date.now()): void {
  verifyChain(issuer.certificate, issuer.chain, anchors, { now });
}
