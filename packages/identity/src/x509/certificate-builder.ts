import { type KeyObject, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { dnsAltNamesExtensionValue } from './general-names.js';
import { Oid } from './oids.js';
import { ecdsaSignatureAlgorithm, keyIdentifierOf } from './signing.js';

/** Key usage bits (RFC 5280 §4.2.1.3), as bit numbers. */
export const KeyUsageBit = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** What goes into a certificate; the signature algorithm follows the signing key. */
export interface CertificateTemplate {
  /** Serial number (positive). */
  serial: bigint;
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.RelativeDistinguishedNames;
  publicKeyInfo: pkijs.PublicKeyInfo;
  notBefore: Date;
  notAfter: Date;
  /** DNS SANs; none means no SAN extension. */
  dnsNames: readonly string[];
  /** Key usage bits (critical extension). */
  keyUsage: readonly number[];
  /** Extended key usages (OIDs); none means no EKU extension. */
  extKeyUsage: readonly string[];
  /** CA certificates get basicConstraints CA:TRUE (critical) with this path length; `undefined` for leaves. */
  caPathLength?: number | null;
  /** The issuer's subject key identifier, written as the authority key identifier. */
  authorityKeyId?: Uint8Array | undefined;
}

// RFC 5280 wants UTCTime through 2049 and GeneralizedTime after.
function timeOf(date: Date): pkijs.Time {
  return new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });
}

function keyUsageValue(bits: readonly number[]): ArrayBuffer {
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (max & 7) }).toBER(false);
}

function serialInteger(serial: bigint): asn1js.Integer {
  let hex = serial.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A leading 0x00 keeps the DER INTEGER positive when the top bit is set.
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return new asn1js.Integer({ valueHex: Buffer.from(hex, 'hex') });
}

function extension(extnID: string, critical: boolean, value: ArrayBuffer): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value });
}

/**
 * Builds the certificate described by `template`, signs it with `signingKey` (ECDSA P-256 →
 * SHA-256, P-384 → SHA-384) and returns its DER.
 */
export function signCertificate(template: CertificateTemplate, signingKey: KeyObject): Uint8Array {
  const { algorithm, hash } = ecdsaSignatureAlgorithm(signingKey);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = serialInteger(template.serial);
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  cert.issuer = template.issuer;
  cert.subject = template.subject;
  cert.notBefore = timeOf(template.notBefore);
  cert.notAfter = timeOf(template.notAfter);
  cert.subjectPublicKeyInfo = template.publicKeyInfo;
  const extensions: pkijs.Extension[] = [extension(Oid.keyUsage, true, keyUsageValue(template.keyUsage))];
  if (template.extKeyUsage.length > 0) {
    const eku = new pkijs.ExtKeyUsage({ keyPurposes: [...template.extKeyUsage] });
    extensions.push(extension(Oid.extKeyUsage, false, eku.toSchema().toBER(false)));
  }
  if (template.caPathLength !== undefined) {
    const bc = new pkijs.BasicConstraints({
      cA: true,
      ...(template.caPathLength === null ? {} : { pathLenConstraint: template.caPathLength }),
    });
    extensions.push(extension(Oid.basicConstraints, true, bc.toSchema().toBER(false)));
    const ski = new asn1js.OctetString({ valueHex: keyIdentifierOf(template.publicKeyInfo) });
    extensions.push(extension(Oid.subjectKeyIdentifier, false, ski.toBER(false)));
  }
  if (template.authorityKeyId !== undefined) {
    const aki = new pkijs.AuthorityKeyIdentifier({
      keyIdentifier: new asn1js.OctetString({ valueHex: template.authorityKeyId }),
    });
    extensions.push(extension(Oid.authorityKeyIdentifier, false, aki.toSchema().toBER(false)));
  }
  if (template.dnsNames.length > 0) {
    extensions.push(extension(Oid.subjectAltName, false, dnsAltNamesExtensionValue(template.dnsNames)));
  }
  cert.extensions = extensions;
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.signatureValue = new asn1js.BitString({
    valueHex: sign(hash, tbs, { key: signingKey, dsaEncoding: 'der' }),
  });
  cert.tbsView = tbs;
  return new Uint8Array(cert.toSchema().toBER(false));
}
