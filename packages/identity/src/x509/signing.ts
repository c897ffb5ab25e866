import { createHash, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { Oid } from './oids.js';

/** The signature algorithm identifier and hash for an ECDSA signing key: SHA-256 for P-256, SHA-384 for P-384. */
export function ecdsaSignatureAlgorithm(key: KeyObject): {
  algorithm: pkijs.AlgorithmIdentifier;
  hash: string;
} {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'secp384r1')) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `signing key: expected an ECDSA P-256 or P-384 key, got ${key.asymmetricKeyType ?? 'unknown'}${curve === undefined ? '' : ` ${curve}`}`,
    );
  }
  const sha384 = curve === 'secp384r1';
  return {
    algorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: sha384 ? Oid.ecdsaWithSha384 : Oid.ecdsaWithSha256,
    }),
    hash: sha384 ? 'sha384' : 'sha256',
  };
}

/** The pkijs SubjectPublicKeyInfo of a Node public key. */
export function publicKeyInfoOf(publicKey: KeyObject): pkijs.PublicKeyInfo {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return new pkijs.PublicKeyInfo({ schema: asn1js.fromBER(new Uint8Array(der)).result });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not a security hash). */
export function keyIdentifierOf(info: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(info.subjectPublicKey.valueBlock.valueHexView).digest());
}
