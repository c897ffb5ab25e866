import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { IdentityError } from '../../src/errors.js';
import { createCsr, parseCsr } from '../../src/x509/csr.js';
import { encodePem } from '../../src/x509/pem.js';
import { openssl, saIdentity, tempDir } from '../support/pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const id = saIdentity('web', 'emojivoto');

describe('createCsr / parseCsr', () => {
  it('writes a CSR with CN and one DNS SAN equal to the identity, signed by the key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const info = parseCsr(createCsr(privateKey, id));
    expect(info.commonName).toBe(id);
    expect(info.altNames.dns).toEqual([id]);
    expect(info.altNames.all).toEqual([`DNS:${id}`]);
    expect(info.signatureValid).toBe(true);
    expect(info.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('is accepted by openssl req -verify with the SAN visible', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const path = tmp.write('web.csr', encodePem('CERTIFICATE REQUEST', createCsr(privateKey, id)));
    const { code, output } = await openssl(['req', '-in', path, '-noout', '-verify', '-text']);
    expect(code).toBe(0);
    expect(output).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(output).toContain(`DNS:${id}`);
    expect(output).toContain('ecdsa-with-SHA256');
  });

  it('reads a CSR made by openssl, including extra SANs and an RSA key', async () => {
    const keyPath = `${tmp.dir}/rsa.key`;
    const csrPath = `${tmp.dir}/rsa.csr`;
    const made = await openssl([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      csrPath,
      '-outform',
      'DER',
      '-subj',
      `/CN=${id}`,
      '-addext',
      `subjectAltName=DNS:${id},IP:10.0.0.1,URI:spiffe://x/y`,
    ]);
    expect(made.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const info = parseCsr(new Uint8Array(readFileSync(csrPath)));
    expect(info.publicKey.asymmetricKeyType).toBe('rsa');
    expect(info.altNames.dns).toEqual([id]);
    expect(info.altNames.ips).toEqual(['10.0.0.1']);
    expect(info.altNames.uris).toEqual(['spiffe://x/y']);
    expect(info.signatureValid).toBe(true);
  });

  it('reports a tampered signature as invalid', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = createCsr(privateKey, id);
    // Flip a byte inside the subject's CN text: the structure stays valid, the signature no longer matches.
    const at = Buffer.from(der).indexOf(Buffer.from('web.emojivoto'));
    der[at] = 'x'.charCodeAt(0);
    const info = parseCsr(der);
    expect(info.commonName?.startsWith('xeb.')).toBe(true);
    expect(info.signatureValid).toBe(false);
  });

  it('throws a clear error for bytes that are not a CSR', () => {
    expect(() => parseCsr(new Uint8Array([1, 2, 3]))).toThrow(IdentityError);
    expect(() => parseCsr(new Uint8Array([1, 2, 3]))).toThrow(/not a DER PKCS#10 request \(3 bytes\)/);
  });

  it('refuses a non-ECDSA key for a CSR', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(() => createCsr(privateKey, id)).toThrow(
      /expected an ECDSA private key, got a private ed25519 key/,
    );
  });
});
