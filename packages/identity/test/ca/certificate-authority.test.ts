import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../src/ca/certificate-authority.js';
import { checkCsr } from '../../src/ca/check-csr.js';
import { issuerFromPem } from '../../src/ca/issuer-credentials.js';
import { generateKeyMaterial } from '../../src/client/key-material.js';
import { IdentityError } from '../../src/errors.js';
import { generateIssuer, generateTrustAnchor } from '../../src/trust/generate.js';
import { readCertificate } from '../../src/x509/certificate-info.js';
import { createCsr, parseCsr } from '../../src/x509/csr.js';
import { encodePem } from '../../src/x509/pem.js';
import { openssl, saIdentity, tempDir, testPki } from '../support/pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const id = saIdentity('web', 'emojivoto');
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('CertificateAuthority', () => {
  it('issues a leaf with Linkerd’s fields: ECDSA-SHA256, SAN, KU, EKU, 24h + 20s skew, serials from 1', async () => {
    const pki = testPki({ now: () => NOW + 500 }, 'root.test');
    // the anchor/issuer of testPki are valid from real now; re-create with a NOW-based clock
    const anchor = generateTrustAnchor({ notBefore: NOW - 3600_000 });
    const issuer = generateIssuer(anchor, { notBefore: NOW - 3600_000 });
    const ca = new CertificateAuthority({
      issuer: issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem }),
      now: () => NOW + 500,
    });
    expect(pki.ca.issuer.certificate.subjectCommonName).toBe('identity.linkerd.cluster.local');
    const keys = generateKeyMaterial(id);
    const first = ca.issue(parseCsr(keys.csr));
    const second = ca.issue(parseCsr(keys.csr));
    expect([first.serial, second.serial]).toEqual([1n, 2n]);
    const leaf = readCertificate(first.leaf);
    expect(leaf.serialNumber).toBe('1');
    expect(readCertificate(second.leaf).serialNumber).toBe('2');
    expect(leaf.signatureAlgorithm).toBe('ECDSA-SHA256');
    expect(leaf.keyAlgorithm).toBe('ECDSA-P256');
    expect(leaf.altNames.all).toEqual([`DNS:${id}`]);
    expect(leaf.subjectCommonName).toBe(id);
    expect(leaf.issuerCommonName).toBe('identity.linkerd.cluster.local');
    expect(leaf.isCa).toBe(false);
    expect(leaf.notBefore.getTime()).toBe(NOW - 20_000);
    expect(leaf.notAfter.getTime()).toBe(NOW + 24 * 3600_000 + 20_000);
    expect(first.validUntil.getTime()).toBe(leaf.notAfter.getTime());
    expect(first.intermediates).toEqual([ca.issuer.certificate.der]);

    const text = await openssl([
      'x509',
      '-in',
      tmp.write('leaf.pem', encodePem('CERTIFICATE', first.leaf)),
      '-noout',
      '-text',
    ]);
    expect(text.code).toBe(0);
    expect(text.output).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text.output).toMatch(
      /X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/,
    );
    expect(text.output).toContain('X509v3 Authority Key Identifier');
    expect(text.output).toContain('ASN1 OID: prime256v1');
  });

  it('clamps not-after to the issuer’s expiry', () => {
    const now = Date.now();
    const anchor = generateTrustAnchor();
    const issuer = generateIssuer(anchor, { lifetimeMs: 3600_000 });
    const ca = new CertificateAuthority({
      issuer: issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem }),
    });
    const issued = ca.issue(parseCsr(generateKeyMaterial(id).csr));
    expect(issued.validUntil.getTime()).toBe(issuer.certificate.notAfter.getTime());
    expect(issued.validUntil.getTime()).toBeLessThan(now + 3600_000 + 1000);
    expect(ca.issuerExpiry.getTime()).toBe(issuer.certificate.notAfter.getTime());
  });

  it('produces leaves that openssl verify accepts against the anchors', async () => {
    const pki = testPki();
    const issued = pki.ca.issue(parseCsr(generateKeyMaterial(id).csr));
    const anchors = tmp.write('anchors.pem', pki.anchor.certificatePem);
    const chain = tmp.write(
      'chain.pem',
      issued.intermediates.map((d) => encodePem('CERTIFICATE', d)).join(''),
    );
    const leaf = tmp.write('leaf2.pem', encodePem('CERTIFICATE', issued.leaf));
    const ok = await openssl([
      'verify',
      '-x509_strict',
      '-purpose',
      'sslclient',
      '-CAfile',
      anchors,
      '-untrusted',
      chain,
      leaf,
    ]);
    expect(ok.output).toContain(': OK');
    expect(ok.code).toBe(0);
    const server = await openssl([
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      anchors,
      '-untrusted',
      chain,
      leaf,
    ]);
    expect(server.code).toBe(0);
    // and against another anchor it fails
    const other = tmp.write('other.pem', generateTrustAnchor().certificatePem);
    const bad = await openssl(['verify', '-CAfile', other, '-untrusted', chain, leaf]);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/unable to get local issuer certificate/);
  });

  it('rejects bad options with the value seen', () => {
    const pki = testPki();
    expect(() => new CertificateAuthority({ issuer: pki.ca.issuer, lifetimeMs: 0 })).toThrow(
      /lifetimeMs: expected a positive number, got 0/,
    );
    expect(() => new CertificateAuthority({ issuer: pki.ca.issuer, clockSkewMs: -1 })).toThrow(/clockSkewMs/);
  });
});

describe('checkCsr (Linkerd’s CSR rules)', () => {
  const key = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

  it('accepts a CSR for the identity', () => {
    expect(() => checkCsr(parseCsr(createCsr(key(), id)), id)).not.toThrow();
  });

  it('rejects a SAN for another identity', () => {
    const csr = parseCsr(createCsr(key(), saIdentity('evil', 'emojivoto')));
    expect(() => checkCsr(csr, id)).toThrow(IdentityError);
    expect(() => checkCsr(csr, id)).toThrow(
      /expected exactly one DNS SAN ".*web\.emojivoto.*", got \[".*evil\.emojivoto/,
    );
  });

  it('rejects extra SANs, a wrong CN and non-ECDSA keys (CSRs made by openssl)', async () => {
    const make = async (name: string, args: string[]) => {
      const out = `${tmp.dir}/${name}.der`;
      const r = await openssl([
        'req',
        '-new',
        '-nodes',
        '-keyout',
        `${tmp.dir}/${name}.key`,
        '-out',
        out,
        '-outform',
        'DER',
        ...args,
      ]);
      expect(r.code).toBe(0);
      const { readFileSync } = await import('node:fs');
      return parseCsr(new Uint8Array(readFileSync(out)));
    };
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    const extraDns = await make('extra', [
      ...ec,
      '-subj',
      `/CN=${id}`,
      '-addext',
      `subjectAltName=DNS:${id},DNS:other.example`,
    ]);
    expect(() => checkCsr(extraDns, id)).toThrow(/exactly one DNS SAN/);
    const withIp = await make('ip', [
      ...ec,
      '-subj',
      `/CN=${id}`,
      '-addext',
      `subjectAltName=DNS:${id},IP:10.1.2.3`,
    ]);
    expect(() => checkCsr(withIp, id)).toThrow(/only a DNS SAN is allowed, got \[DNS:.*, IP:10\.1\.2\.3\]/);
    const withEmail = await make('mail', [
      ...ec,
      '-subj',
      `/CN=${id}`,
      '-addext',
      `subjectAltName=DNS:${id},email:a@b.c`,
    ]);
    expect(() => checkCsr(withEmail, id)).toThrow(/only a DNS SAN is allowed/);
    const wrongCn = await make('cn', [
      ...ec,
      '-subj',
      '/CN=someone-else',
      '-addext',
      `subjectAltName=DNS:${id}`,
    ]);
    expect(() => checkCsr(wrongCn, id)).toThrow(/common name must be empty or ".*", got "someone-else"/);
    const emptyCn = await make('nocn', [...ec, '-subj', '/O=skein', '-addext', `subjectAltName=DNS:${id}`]);
    expect(() => checkCsr(emptyCn, id)).not.toThrow();
    const rsa = await make('rsa', [
      '-newkey',
      'rsa:2048',
      '-subj',
      `/CN=${id}`,
      '-addext',
      `subjectAltName=DNS:${id}`,
    ]);
    expect(() => checkCsr(rsa, id)).toThrow(/expected an ECDSA public key, got rsa/);
  });

  it('rejects a CSR whose signature does not verify', () => {
    const der = createCsr(key(), id);
    const at = der.length - 5;
    der[at] = (der[at] ?? 0) ^ 0xff;
    const csr = parseCsr(der);
    expect(() => checkCsr(csr, id)).toThrow(/signature does not verify/);
  });
});
