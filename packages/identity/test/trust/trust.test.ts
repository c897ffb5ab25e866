import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { issuerFromPem, verifyIssuer } from '../../src/ca/issuer-credentials.js';
import { IdentityError } from '../../src/errors.js';
import { verifyChain, verifyIdentity } from '../../src/trust/chain-verifier.js';
import { checkIssuer, checkTrustAnchors } from '../../src/trust/check.js';
import { generateIssuer, generateTrustAnchor, issuerName } from '../../src/trust/generate.js';
import { TrustAnchors } from '../../src/trust/trust-anchors.js';
import { readCertificate } from '../../src/x509/certificate-info.js';
import { issueCredentials, openssl, saIdentity, tempDir, testPki } from '../support/pki.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const DAY = 24 * 3600_000;

describe('generateTrustAnchor / generateIssuer', () => {
  it('makes an anchor and an issuer named identity.<ns>.<td> that openssl verifies', async () => {
    const anchor = generateTrustAnchor();
    const issuer = generateIssuer(anchor, { namespace: 'skein', trustDomain: 'example.org' });
    expect(anchor.certificate.isCa).toBe(true);
    expect(anchor.certificate.subjectCommonName).toBe('root.linkerd.cluster.local');
    expect(issuer.certificate.subjectCommonName).toBe('identity.skein.example.org');
    expect(issuerName('linkerd', 'cluster.local')).toBe('identity.linkerd.cluster.local');
    expect(
      issuer.certificate.notAfter.getTime() - issuer.certificate.notBefore.getTime(),
    ).toBeLessThanOrEqual(365 * DAY);
    const a = tmp.write('anchor.pem', anchor.certificatePem);
    const i = tmp.write('issuer.pem', issuer.certificatePem);
    const r = await openssl(['verify', '-x509_strict', '-CAfile', a, i]);
    expect(r.output).toContain(': OK');
    const text = await openssl(['x509', '-in', i, '-noout', '-text']);
    expect(text.output).toMatch(/CA:TRUE, pathlen:0/);
    expect(text.output).toMatch(/Certificate Sign, CRL Sign/);
    // the key PEM loads back as issuer credentials
    expect(
      issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem }).certificate
        .serialNumber,
    ).toBe('1');
  });
});

describe('TrustAnchors', () => {
  it('loads bundles with several anchors and verifies chains to any of them (anchor rotation)', () => {
    const oldPki = testPki({}, 'old-root');
    const newPki = testPki({}, 'new-root');
    const bundle = TrustAnchors.fromPem(
      `# rotation\n${oldPki.anchor.certificatePem}\n${newPki.anchor.certificatePem}`,
    );
    expect(bundle.certificates.map((c) => c.subjectCommonName)).toEqual(['old-root', 'new-root']);
    for (const pki of [oldPki, newPki]) {
      const creds = issueCredentials(pki, saIdentity('web', 'ns'));
      const chain = verifyChain(creds.certificate, creds.intermediates, bundle);
      expect(chain.map((c) => c.subjectCommonName)).toEqual([
        saIdentity('web', 'ns'),
        'identity.linkerd.cluster.local',
        pki.anchor.certificate.subjectCommonName,
      ]);
    }
    expect(oldPki.anchors.merge(bundle).certificates).toHaveLength(2);
  });

  it('names the problem for bad PEM input', () => {
    expect(() => TrustAnchors.fromPem('')).toThrow(
      /trust anchors: expected at least one "-----BEGIN CERTIFICATE-----" block, got "empty text"/,
    );
    expect(() => TrustAnchors.fromPem('hello', 'IDENTITY_TRUST_ANCHORS')).toThrow(
      /IDENTITY_TRUST_ANCHORS: .*got "hello…"/,
    );
    expect(() =>
      TrustAnchors.fromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    ).toThrow(/certificate #1: not a DER X.509 certificate \(3 bytes\)/);
    expect(() =>
      TrustAnchors.fromPem('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----'),
    ).toThrow(/not valid base64/);
  });
});

describe('verifyChain / verifyIdentity', () => {
  const pki = testPki();
  const creds = issueCredentials(pki, saIdentity('web', 'ns'));

  it('rejects a chain from another CA', () => {
    const other = testPki({}, 'other-root');
    expect(() => verifyChain(creds.certificate, creds.intermediates, other.anchors)).toThrow(
      /does not chain to the trust anchors \("other-root"\): no issuer found for "identity.linkerd.cluster.local"/,
    );
    expect(() => verifyChain(creds.certificate, [], pki.anchors)).toThrow(IdentityError);
  });

  it('rejects expired and not-yet-valid certificates, allowing the skew given', () => {
    const after = creds.certificate.notAfter.getTime() + 1000;
    expect(() => verifyChain(creds.certificate, creds.intermediates, pki.anchors, { now: after })).toThrow(
      /has expired: valid until/,
    );
    expect(() =>
      verifyChain(creds.certificate, creds.intermediates, pki.anchors, { now: after, clockSkewMs: 5000 }),
    ).not.toThrow();
    const before = creds.certificate.notBefore.getTime() - 1000;
    expect(() => verifyChain(creds.certificate, creds.intermediates, pki.anchors, { now: before })).toThrow(
      /is not valid yet/,
    );
  });

  it('rejects a leaf used as an intermediate', () => {
    const leafAsIssuer = issueCredentials(pki, saIdentity('a', 'ns'));
    // a chain whose "intermediate" is a non-CA leaf: signature does not match, so no issuer is found
    expect(() => verifyChain(creds.certificate, [leafAsIssuer.certificate], pki.anchors)).toThrow(
      /does not chain/,
    );
  });

  it('matches identities against DNS SANs only exactly', () => {
    expect(() => verifyIdentity(creds.certificate, saIdentity('web', 'ns'))).not.toThrow();
    expect(() => verifyIdentity(creds.certificate, saIdentity('api', 'ns'))).toThrow(
      /expected "api.ns.serviceaccount.identity.linkerd.cluster.local", the certificate has SANs \[DNS:web.ns/,
    );
    expect(() => verifyIdentity(pki.anchor.certificate, 'x')).toThrow(/the certificate has no SAN/);
  });
});

describe('issuer credentials', () => {
  it('refuses a key that does not belong to the certificate, non-CA certificates and RSA keys', async () => {
    const anchor = generateTrustAnchor();
    const a = generateIssuer(anchor);
    const b = generateIssuer(anchor);
    expect(() =>
      issuerFromPem({ certificatePem: a.certificatePem, keyPem: b.keyPem, source: '/issuer' }),
    ).toThrow(
      /\/issuer: the private key does not belong to the certificate "identity.linkerd.cluster.local"/,
    );
    const pki = testPki();
    const leaf = issueCredentials(pki, saIdentity('web', 'ns'));
    expect(() => issuerFromPem({ certificatePem: leaf.certificatePem, keyPem: leaf.keyPem })).toThrow(
      /is not a CA/,
    );
    expect(() => issuerFromPem({ certificatePem: a.certificatePem, keyPem: 'nope' })).toThrow(
      /expected a PEM private key/,
    );
    await openssl(['genrsa', '-out', `${tmp.dir}/rsa.key`, '2048']);
    expect(() =>
      issuerFromPem({ certificatePem: a.certificatePem, keyPem: readFileSync(`${tmp.dir}/rsa.key`, 'utf8') }),
    ).toThrow(/expected an ECDSA P-256 or P-384 key, got rsa/);
  });

  it('reads SEC1 "EC PRIVATE KEY" keys as Linkerd’s key.pem has them', async () => {
    const anchor = generateTrustAnchor();
    const issuer = generateIssuer(anchor);
    const pkcs8 = tmp.write('issuer-pk8.pem', issuer.keyPem);
    const sec1 = await openssl(['ec', '-in', pkcs8]);
    expect(sec1.output).toContain('BEGIN EC PRIVATE KEY');
    const creds = issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: sec1.output });
    expect(() => verifyIssuer(creds, TrustAnchors.fromPem(anchor.certificatePem))).not.toThrow();
    expect(() => verifyIssuer(creds, TrustAnchors.fromPem(generateTrustAnchor().certificatePem))).toThrow(
      /does not chain/,
    );
  });
});

describe('linkerd check-style checks', () => {
  it('passes fresh anchors and issuers', () => {
    const pki = testPki();
    const all = [
      ...checkTrustAnchors(pki.anchors),
      ...checkIssuer(pki.issuer.certificate, pki.anchors, { expectedName: 'identity.linkerd.cluster.local' }),
    ];
    expect(all.map((r) => r.status)).toEqual(Array(all.length).fill('ok'));
    expect(all.map((r) => r.check)).toContain('issuer cert is issued by the trust anchor');
    expect(all.map((r) => r.check)).toContain('trust anchors are valid for at least 60 days');
  });

  it('warns under 60 days left and errors when expired or not yet valid', () => {
    const anchor = generateTrustAnchor({ lifetimeMs: 30 * DAY });
    const anchors = TrustAnchors.fromPem(anchor.certificatePem);
    const soon = checkTrustAnchors(anchors);
    expect(soon.find((r) => r.check.includes('60 days'))).toMatchObject({
      status: 'warning',
      message: expect.stringMatching(/will expire on .* \(in 29 days\)/),
    });
    const later = checkTrustAnchors(anchors, { now: Date.now() + 31 * DAY });
    expect(later.find((r) => r.check.includes('validity period'))).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/expired at/),
    });
    const earlier = checkTrustAnchors(anchors, { now: Date.now() - DAY });
    expect(earlier.find((r) => r.check.includes('validity period'))?.message).toMatch(/is not valid before/);
  });

  it('errors for an RSA anchor, an issuer from another anchor and a wrong issuer name', async () => {
    const key = `${tmp.dir}/rsa-anchor.key`;
    const crt = `${tmp.dir}/rsa-anchor.crt`;
    const made = await openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '365',
      '-subj',
      '/CN=rsa-root',
    ]);
    expect(made.code).toBe(0);
    const rsa = checkTrustAnchors(TrustAnchors.fromPem(readFileSync(crt, 'utf8')));
    expect(rsa[0]).toMatchObject({
      status: 'error',
      message: '"rsa-root" must use an ECDSA P-256 public key, it uses RSA-2048',
    });

    const pki = testPki();
    const stranger = generateIssuer(generateTrustAnchor({ commonName: 'stranger' }), { namespace: 'other' });
    const results = checkIssuer(stranger.certificate, pki.anchors, {
      expectedName: 'identity.linkerd.cluster.local',
    });
    expect(results.find((r) => r.check === 'issuer cert is issued by the trust anchor')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/does not chain to the trust anchors/),
    });
    expect(results.find((r) => r.check === 'issuer cert has the expected name')?.message).toBe(
      'expected "identity.linkerd.cluster.local", got "identity.other.cluster.local"',
    );
    const leaf = readCertificate(issueCredentials(pki, saIdentity('web', 'ns')).certificate.der);
    expect(checkIssuer(leaf, pki.anchors).find((r) => r.check === 'issuer cert is a CA')?.status).toBe(
      'error',
    );
  });
});
