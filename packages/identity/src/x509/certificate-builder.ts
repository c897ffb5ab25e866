import { type KeyObject, sign } from 'node:crypto';
import {
  bitString,
  dnsName,
  explicit,
  integer,
  octetString,
  oid,
  sequence,
  TRUE,
  time,
  tlv,
} from './der-writer.js';
import { Oid } from './oids.js';
import { ecdsaSignatureAlgorithm, keyIdentifierOf } from './signing.js';

/** Key usage bits (RFC 5280 §4.2.1.3), as bit numbers. */
export const KeyUsageBit = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** What goes into a certificate; names and the key are DER. The signature algorithm follows the signing key. */
export interface CertificateTemplate {
  /** Serial number (positive). */
  serial: bigint;
  /** Subject Name (DER). */
  subject: Uint8Array;
  /** Issuer Name (DER): the issuer certificate's subject. */
  issuer: Uint8Array;
  /** SubjectPublicKeyInfo (DER). */
  publicKeyInfo: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** DNS SANs; none means no SAN extension. */
  dnsNames: readonly string[];
  /** Key usage bits (critical extension). */
  keyUsage: readonly number[];
  /** Extended key usages (OIDs); none means no EKU extension. */
  extKeyUsage: readonly string[];
  /** CA certificates get basicConstraints CA:TRUE (critical) with this path length (`null`: none); `undefined` for leaves. */
  caPathLength?: number | null;
  /** The issuer's subject key identifier, written as the authority key identifier. */
  authorityKeyId?: Uint8Array | undefined;
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), TRUE, octetString(value)) : sequence(oid(id), octetString(value));
}

/** The DER of a key usage extension value for `bits`. */
export function keyUsageValue(bits: readonly number[]): Uint8Array {
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return tlv(0x03, new Uint8Array([7 - (max & 7)]), bytes);
}

/**
 * The extensions every certificate of one template shape shares (key usage, EKU, basic
 * constraints, AKI); built once and reused so issuing a leaf encodes only what differs.
 */
export function fixedExtensions(
  template: Omit<CertificateTemplate, 'serial' | 'subject' | 'notBefore' | 'notAfter' | 'dnsNames'>,
): Uint8Array[] {
  const out = [extension(Oid.keyUsage, true, keyUsageValue(template.keyUsage))];
  if (template.extKeyUsage.length > 0) {
    out.push(extension(Oid.extKeyUsage, false, sequence(...template.extKeyUsage.map(oid))));
  }
  if (template.caPathLength !== undefined) {
    const bc =
      template.caPathLength === null
        ? sequence(TRUE)
        : sequence(TRUE, integer(BigInt(template.caPathLength)));
    out.push(extension(Oid.basicConstraints, true, bc));
    out.push(
      extension(Oid.subjectKeyIdentifier, false, octetString(keyIdentifierOf(template.publicKeyInfo))),
    );
  }
  if (template.authorityKeyId !== undefined) {
    out.push(extension(Oid.authorityKeyIdentifier, false, sequence(tlv(0x80, template.authorityKeyId))));
  }
  return out;
}

/**
 * Builds the certificate described by `template`, signs it with `signingKey` (ECDSA P-256 →
 * SHA-256, P-384 → SHA-384) and returns its DER. `extensions` (from {@link fixedExtensions}) may
 * be passed to skip re-encoding them.
 */
export function signCertificate(
  template: CertificateTemplate,
  signingKey: KeyObject,
  extensions: readonly Uint8Array[] = fixedExtensions(template),
): Uint8Array {
  const { algorithmOid, hash } = ecdsaSignatureAlgorithm(signingKey);
  const algorithm = sequence(oid(algorithmOid));
  const exts = [...extensions];
  if (template.dnsNames.length > 0) {
    exts.push(extension(Oid.subjectAltName, false, sequence(...template.dnsNames.map(dnsName))));
  }
  const tbs = sequence(
    explicit(0, integer(2n)),
    integer(template.serial),
    algorithm,
    template.issuer,
    sequence(time(template.notBefore), time(template.notAfter)),
    template.subject,
    template.publicKeyInfo,
    explicit(3, sequence(...exts)),
  );
  const signature = sign(hash, tbs, { key: signingKey, dsaEncoding: 'der' });
  return sequence(tbs, algorithm, bitString(signature));
}
