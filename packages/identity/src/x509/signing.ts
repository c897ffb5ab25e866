import { createHash, type KeyObject } from 'node:crypto';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { Oid } from './oids.js';

/** The signature algorithm OID and hash for an ECDSA signing key: SHA-256 for P-256, SHA-384 for P-384. */
export function ecdsaSignatureAlgorithm(key: KeyObject): { algorithmOid: string; hash: string } {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'secp384r1')) {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `signing key: expected an ECDSA P-256 or P-384 key, got ${key.asymmetricKeyType ?? 'unknown'}${curve === undefined ? '' : ` ${curve}`}`,
    );
  }
  return curve === 'secp384r1'
    ? { algorithmOid: Oid.ecdsaWithSha384, hash: 'sha384' }
    : { algorithmOid: Oid.ecdsaWithSha256, hash: 'sha256' };
}

/** The SubjectPublicKeyInfo DER of a Node public key. */
export function publicKeyInfoOf(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
}

/**
 * RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not a security
 * hash). Takes the SubjectPublicKeyInfo DER.
 */
export function keyIdentifierOf(spki: Uint8Array): Uint8Array {
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: skip to the BIT STRING's content after its unused-bits byte.
  let at = headerLength(spki, 0);
  at += totalLength(spki, at);
  const bits = spki.subarray(at + headerLength(spki, at) + 1, at + totalLength(spki, at));
  return new Uint8Array(createHash('sha1').update(bits).digest());
}

function headerLength(der: Uint8Array, at: number): number {
  const first = der[at + 1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function totalLength(der: Uint8Array, at: number): number {
  const first = der[at + 1] ?? 0;
  if (first < 0x80) return 2 + first;
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (der[at + 2 + i] ?? 0);
  return headerLength(der, at) + len;
}
