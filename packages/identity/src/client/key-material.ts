import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { createCsr, parseCsr } from '../x509/csr.js';

/** The workload's private key and the CSR to send with every Certify call. */
export interface KeyMaterial {
  /** The private key (ECDSA P-256); it never leaves the process. */
  readonly privateKey: KeyObject;
  /** The private key as PKCS#8 PEM, for `tls.createSecureContext`. */
  readonly keyPem: string;
  /** The DER CSR. */
  readonly csr: Uint8Array;
}

/** Generates an ECDSA P-256 key and a CSR for `identity`. */
export function generateKeyMaterial(identity: string): KeyMaterial {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    csr: createCsr(privateKey, identity),
  };
}

async function readNonEmpty(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new IdentityError(IdentityErrorCode.Certificate, `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (bytes.byteLength === 0) throw new IdentityError(IdentityErrorCode.Certificate, `${path} is empty`);
  return bytes;
}

/**
 * Loads `key.p8` (DER PKCS#8, ECDSA P-256) and `csr.der` from an identity directory
 * (`LINKERD2_PROXY_IDENTITY_DIR`), checking that neither is empty and that the CSR holds the
 * key's public key.
 * @throws {@link IdentityError} naming the file and the problem.
 */
export async function loadKeyMaterial(dir: string): Promise<KeyMaterial> {
  const keyPath = join(dir, 'key.p8');
  const csrPath = join(dir, 'csr.der');
  // One after the other, so that the error names the key first when both are missing (two
  // parallel reads report whichever fails first, which varies from run to run).
  const keyDer = await readNonEmpty(keyPath);
  const csr = await readNonEmpty(csrPath);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new IdentityError(IdentityErrorCode.Certificate, `${keyPath}: not a DER PKCS#8 private key`, {
      cause: err,
    });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new IdentityError(
      IdentityErrorCode.Certificate,
      `${keyPath}: expected an ECDSA P-256 key, got ${privateKey.asymmetricKeyType ?? 'unknown'} ${privateKey.asymmetricKeyDetails?.namedCurve ?? ''}`.trim(),
    );
  }
  const info = parseCsr(new Uint8Array(csr));
  const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
  if (!spki(info.publicKey).equals(spki(createPublicKey(privateKey)))) {
    throw new IdentityError(
      IdentityErrorCode.Csr,
      `${csrPath}: the CSR's public key is not the key in ${keyPath}`,
    );
  }
  return {
    privateKey,
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    csr: new Uint8Array(csr),
  };
}
