import { type KeyObject, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { type AltNames, altNamesFrom, commonNameOf } from './general-names.js';
import { Oid, SIGNATURE_ALGORITHM_NAMES } from './oids.js';

/** The public key algorithm of a certificate, as `linkerd check` reports it. */
export type KeyAlgorithm = 'ECDSA-P256' | 'ECDSA-P384' | 'ECDSA-P521' | 'Ed25519' | `RSA-${number}` | 'other';

/** What Skein needs to know about a certificate, read once from its DER. */
export interface CertificateInfo {
  /** The DER bytes. */
  readonly der: Uint8Array;
  /** Node's view of the certificate (for `verify`, `checkIssued`, `publicKey`). */
  readonly x509: X509Certificate;
  /** The subject's common name, if any. */
  readonly subjectCommonName: string | undefined;
  /** The issuer's common name, if any. */
  readonly issuerCommonName: string | undefined;
  /** Subject alternative names. */
  readonly altNames: AltNames;
  /** Serial number, hexadecimal upper case without leading zeros (as Node prints it). */
  readonly serialNumber: string;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** True when basicConstraints says CA. */
  readonly isCa: boolean;
  /** The signature algorithm (e.g. `ECDSA-SHA256`), or the OID when unknown. */
  readonly signatureAlgorithm: string;
  /** The subject public key's algorithm. */
  readonly keyAlgorithm: KeyAlgorithm;
  /** The subject key identifier, if present. */
  readonly subjectKeyId: Uint8Array | undefined;
  /** Extended key usage OIDs, or `undefined` when the certificate has no EKU extension (any use). */
  readonly extKeyUsage: readonly string[] | undefined;
  /** The parsed certificate (pkijs), for re-use as an issuer name. */
  readonly parsed: pkijs.Certificate;
}

/** The algorithm of a public key, in `linkerd check` terms. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details?.namedCurve === 'prime256v1') return 'ECDSA-P256';
      if (details?.namedCurve === 'secp384r1') return 'ECDSA-P384';
      if (details?.namedCurve === 'secp521r1') return 'ECDSA-P521';
      return 'other';
    case 'ed25519':
      return 'Ed25519';
    case 'rsa':
    case 'rsa-pss':
      return `RSA-${details?.modulusLength ?? 0}`;
    default:
      return 'other';
  }
}

/**
 * Reads a DER certificate.
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CERTIFICATE`) when the bytes are not a certificate.
 */
export function readCertificate(der: Uint8Array, source = 'certificate'): CertificateInfo {
  try {
    return readCertificateFields(der, source);
  } catch (err) {
    if (err instanceof IdentityError) throw err;
    // node:crypto decodes some fields lazily (the public key, times): a certificate that parses
    // but breaks there is still "not a certificate", with a typed error.
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source}: not a usable X.509 certificate (${der.byteLength} bytes): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function readCertificateFields(der: Uint8Array, source: string): CertificateInfo {
  let parsed: pkijs.Certificate;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
    parsed = pkijs.Certificate.fromBER(der);
  } catch (err) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${source}: not a DER X.509 certificate (${der.byteLength} bytes): ${(err as Error).message}`,
      { cause: err },
    );
  }
  let altNames: AltNames = { dns: [], uris: [], emails: [], ips: [], all: [] };
  let isCa = false;
  let subjectKeyId: Uint8Array | undefined;
  let extKeyUsage: string[] | undefined;
  for (const ext of parsed.extensions ?? []) {
    const value: unknown = ext.parsedValue;
    if (ext.extnID === Oid.subjectAltName && value instanceof pkijs.AltName) {
      altNames = altNamesFrom(value.altNames);
    } else if (ext.extnID === Oid.basicConstraints && value instanceof pkijs.BasicConstraints) {
      isCa = value.cA;
    } else if (ext.extnID === Oid.extKeyUsage && value instanceof pkijs.ExtKeyUsage) {
      extKeyUsage = [...value.keyPurposes];
    } else if (ext.extnID === Oid.subjectKeyIdentifier && value instanceof asn1js.OctetString) {
      subjectKeyId = value.valueBlock.valueHexView.slice();
    }
  }
  const sigOid = parsed.signatureAlgorithm.algorithmId;
  return {
    der,
    x509,
    subjectCommonName: commonNameOf(parsed.subject),
    issuerCommonName: commonNameOf(parsed.issuer),
    altNames,
    serialNumber: x509.serialNumber.replace(/^0+(?=.)/, ''),
    notBefore: parsed.notBefore.value,
    notAfter: parsed.notAfter.value,
    isCa,
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[sigOid] ?? sigOid,
    keyAlgorithm: keyAlgorithmOf(x509.publicKey),
    subjectKeyId,
    extKeyUsage,
    parsed,
  };
}

/** The first SAN of a certificate as an identity string (DNS name or URI), or `undefined`. */
export function firstSanIdentity(info: CertificateInfo): string | undefined {
  const first = info.altNames.all[0];
  if (first === undefined) return undefined;
  const colon = first.indexOf(':');
  return first.slice(colon + 1);
}
