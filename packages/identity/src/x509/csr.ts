import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import {
  type AltNames,
  altNamesFrom,
  commonNameOf,
  dnsAltNamesExtensionValue,
  nameWithCommonName,
} from './general-names.js';
import { Oid } from './oids.js';
import { ecdsaSignatureAlgorithm, publicKeyInfoOf } from './signing.js';

/** A parsed PKCS#10 certificate signing request. */
export interface CsrInfo {
  /** The subject's common name, if any. */
  readonly commonName: string | undefined;
  /** SANs from the extensionRequest attribute. */
  readonly altNames: AltNames;
  /** The subject public key. */
  readonly publicKey: KeyObject;
  /** The SubjectPublicKeyInfo (pkijs), copied into the certificate as is. */
  readonly publicKeyInfo: pkijs.PublicKeyInfo;
  /** The subject (pkijs), copied into the certificate as is. */
  readonly subject: pkijs.RelativeDistinguishedNames;
  /** True when the request's signature verifies with its own public key (proof of possession). */
  readonly signatureValid: boolean;
}

// encodeTBS is protected in pkijs; this subclass exposes the bytes to sign.
class SignableRequest extends pkijs.CertificationRequest {
  infoBytes(): Uint8Array {
    return new Uint8Array(this.encodeTBS().toBER(false));
  }
}

/**
 * Builds a DER CSR for `identity` signed with `privateKey` (ECDSA): CN and one DNS SAN equal to
 * the identity, as linkerd2-proxy's bootstrap writes it.
 * @throws {@link IdentityError} when the key is not an ECDSA private key.
 */
export function createCsr(privateKey: KeyObject, identity: string): Uint8Array {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ec') {
    throw new IdentityError(
      IdentityErrorCode.Csr,
      `CSR key: expected an ECDSA private key, got a ${privateKey.type} ${privateKey.asymmetricKeyType ?? ''} key`,
    );
  }
  const request = new SignableRequest();
  request.subject = nameWithCommonName(identity);
  request.subjectPublicKeyInfo = publicKeyInfoOf(createPublicKey(privateKey));
  const extensions = new pkijs.Extensions({
    extensions: [
      new pkijs.Extension({
        extnID: Oid.subjectAltName,
        critical: false,
        extnValue: dnsAltNamesExtensionValue([identity]),
      }),
    ],
  });
  request.attributes = [new pkijs.Attribute({ type: Oid.extensionRequest, values: [extensions.toSchema()] })];
  const info = request.infoBytes();
  const { algorithm, hash } = ecdsaSignatureAlgorithm(privateKey);
  request.signatureAlgorithm = algorithm;
  request.signatureValue = new asn1js.BitString({
    valueHex: sign(hash, info, { key: privateKey, dsaEncoding: 'der' }),
  });
  request.tbsView = info;
  return new Uint8Array(request.toSchema().toBER(false));
}

/**
 * Parses a DER CSR and checks its signature.
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CSR`) when the bytes are not a PKCS#10 request.
 */
export function parseCsr(der: Uint8Array): CsrInfo {
  let request: pkijs.CertificationRequest;
  let publicKey: KeyObject;
  try {
    request = pkijs.CertificationRequest.fromBER(der);
    publicKey = createPublicKey({
      key: Buffer.from(request.subjectPublicKeyInfo.toSchema().toBER(false)),
      format: 'der',
      type: 'spki',
    });
  } catch (err) {
    throw new IdentityError(
      IdentityErrorCode.Csr,
      `certificate_signing_request: not a DER PKCS#10 request (${der.byteLength} bytes): ${(err as Error).message}`,
      { cause: err },
    );
  }
  let altNames: AltNames = { dns: [], uris: [], emails: [], ips: [], all: [] };
  for (const attribute of request.attributes ?? []) {
    if (attribute.type !== Oid.extensionRequest) continue;
    for (const value of attribute.values) {
      const extensions = new pkijs.Extensions({ schema: value });
      for (const ext of extensions.extensions) {
        if (ext.extnID === Oid.subjectAltName && ext.parsedValue instanceof pkijs.AltName) {
          altNames = altNamesFrom(ext.parsedValue.altNames);
        }
      }
    }
  }
  let signatureValid = false;
  try {
    const hash = hashOfSignatureOid(request.signatureAlgorithm.algorithmId);
    signatureValid =
      hash !== undefined &&
      verify(
        hash,
        new Uint8Array(request.tbs),
        { key: publicKey, dsaEncoding: 'der' },
        request.signatureValue.valueBlock.valueHexView,
      );
  } catch {
    signatureValid = false;
  }
  return {
    commonName: commonNameOf(request.subject),
    altNames,
    publicKey,
    publicKeyInfo: request.subjectPublicKeyInfo,
    subject: request.subject,
    signatureValid,
  };
}

function hashOfSignatureOid(oid: string): string | undefined {
  switch (oid) {
    case Oid.ecdsaWithSha256:
    case '1.2.840.113549.1.1.11':
      return 'sha256';
    case Oid.ecdsaWithSha384:
    case '1.2.840.113549.1.1.12':
      return 'sha384';
    case Oid.ecdsaWithSha512:
    case '1.2.840.113549.1.1.13':
      return 'sha512';
    case Oid.ed25519:
      return undefined;
    default:
      return undefined;
  }
}
