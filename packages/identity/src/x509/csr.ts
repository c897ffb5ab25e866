import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import {
  bytesOf,
  childrenOf,
  contentOf,
  DerError,
  expectTlv,
  oidOf,
  readTlv,
  stringText,
} from './der-reader.js';
import { type AltNames, dnsAltNamesExtensionValue, ipText, nameWithCommonName } from './general-names.js';
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
  /** The SubjectPublicKeyInfo (DER), copied into the certificate as is. */
  readonly publicKeyInfo: Uint8Array;
  /** The subject Name (DER), copied into the certificate as is. */
  readonly subject: Uint8Array;
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
  request.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({
    schema: asn1js.fromBER(publicKeyInfoOf(createPublicKey(privateKey))).result,
  });
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
  const { algorithmOid, hash } = ecdsaSignatureAlgorithm(privateKey);
  request.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: algorithmOid });
  request.signatureValue = new asn1js.BitString({
    valueHex: sign(hash, info, { key: privateKey, dsaEncoding: 'der' }),
  });
  request.tbsView = info;
  return new Uint8Array(request.toSchema().toBER(false));
}

/**
 * Parses a DER CSR and checks its signature. Reads the DER directly (no schema walk): this runs
 * once per Certify call.
 * @throws {@link IdentityError} (`ERR_SKEIN_IDENTITY_CSR`) when the bytes are not a PKCS#10 request.
 */
export function parseCsr(der: Uint8Array): CsrInfo {
  try {
    return readCsr(der);
  } catch (err) {
    throw new IdentityError(
      IdentityErrorCode.Csr,
      `certificate_signing_request: not a DER PKCS#10 request (${der.byteLength} bytes): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function readCsr(der: Uint8Array): CsrInfo {
  const top = expectTlv(readTlv(der, 0), 0x30, 'CertificationRequest');
  if (top.end !== der.length) throw new DerError(`${der.length - top.end} bytes after the request`);
  const [infoTlv, sigAlgTlv, sigTlv] = childrenOf(der, top);
  const info = expectTlv(infoTlv, 0x30, 'certificationRequestInfo');
  const [version, subjectTlv, spkiTlv, attrsTlv] = childrenOf(der, info);
  expectTlv(version, 0x02, 'version');
  const subject = expectTlv(subjectTlv, 0x30, 'subject');
  const spki = bytesOf(der, expectTlv(spkiTlv, 0x30, 'subjectPKInfo'));
  const publicKey = createPublicKey({
    key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength),
    format: 'der',
    type: 'spki',
  });
  let commonName: string | undefined;
  for (const rdn of childrenOf(der, subject)) {
    for (const atv of childrenOf(der, expectTlv(rdn, 0x31, 'RelativeDistinguishedName'))) {
      const [type, value] = childrenOf(der, expectTlv(atv, 0x30, 'AttributeTypeAndValue'));
      if (value !== undefined && oidOf(der, type, 'attribute type') === Oid.commonName) {
        commonName = stringText(der, value);
      }
    }
  }
  let altNames: AltNames = { dns: [], uris: [], emails: [], ips: [], all: [] };
  if (attrsTlv !== undefined) {
    for (const attribute of childrenOf(der, expectTlv(attrsTlv, 0xa0, 'attributes'))) {
      const [type, values] = childrenOf(der, attribute);
      if (values === undefined || oidOf(der, type, 'attribute type') !== Oid.extensionRequest) continue;
      for (const extensions of childrenOf(der, values)) {
        for (const ext of childrenOf(der, expectTlv(extensions, 0x30, 'Extensions'))) {
          const parts = childrenOf(der, ext);
          const id = parts[0];
          const value = parts[parts.length - 1];
          if (value === undefined || oidOf(der, id, 'extnID') !== Oid.subjectAltName) continue;
          const inner = contentOf(der, expectTlv(value, 0x04, 'extnValue'));
          altNames = altNamesOfDer(inner);
        }
      }
    }
  }
  const sigAlg = childrenOf(der, expectTlv(sigAlgTlv, 0x30, 'signatureAlgorithm'))[0];
  const signature = contentOf(der, expectTlv(sigTlv, 0x03, 'signature'));
  const hash = hashOfSignatureOid(oidOf(der, sigAlg, 'signature algorithm'));
  let signatureValid = false;
  try {
    signatureValid =
      hash !== undefined &&
      signature[0] === 0 &&
      verify(hash, bytesOf(der, info), { key: publicKey, dsaEncoding: 'der' }, signature.subarray(1));
  } catch {
    signatureValid = false;
  }
  return {
    commonName,
    altNames,
    publicKey,
    publicKeyInfo: spki.slice(),
    subject: bytesOf(der, subject).slice(),
    signatureValid,
  };
}

function altNamesOfDer(der: Uint8Array): AltNames {
  const out: AltNames = { dns: [], uris: [], emails: [], ips: [], all: [] };
  const seq = expectTlv(readTlv(der, 0), 0x30, 'GeneralNames');
  for (const name of childrenOf(der, seq)) {
    const text = Buffer.from(contentOf(der, name)).toString('latin1');
    switch (name.tag) {
      case 0x81:
        out.emails.push(text);
        out.all.push(`email:${text}`);
        break;
      case 0x82:
        out.dns.push(text);
        out.all.push(`DNS:${text}`);
        break;
      case 0x86:
        out.uris.push(text);
        out.all.push(`URI:${text}`);
        break;
      case 0x87: {
        const ip = ipText(contentOf(der, name));
        out.ips.push(ip);
        out.all.push(`IP:${ip}`);
        break;
      }
      default:
        out.all.push(`other:${name.tag & 0x1f}`);
    }
  }
  return out;
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
