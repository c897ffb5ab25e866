import { status } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerFromPem } from '../../src/ca/issuer-credentials.js';
import { CertifyMetrics } from '../../src/certify/certify-metrics.js';
import { type CertifyServer, startCertifyServer } from '../../src/certify/certify-server.js';
import { type CertifyEvent, CertifyService } from '../../src/certify/certify-service.js';
import { StaticTokenValidator } from '../../src/certify/static-token-validator.js';
import { TokenRejectedError, type TokenValidator } from '../../src/certify/token-validator.js';
import { generateKeyMaterial } from '../../src/client/key-material.js';
import { verifyChain, verifyIdentity } from '../../src/trust/chain-verifier.js';
import { generateIssuer, generateTrustAnchor } from '../../src/trust/generate.js';
import { readCertificate } from '../../src/x509/certificate-info.js';
import { callCertify } from '../support/certify-call.js';
import { saIdentity, testPki } from '../support/pki.js';

const pki = testPki();
const web = saIdentity('web', 'emojivoto');
const token = (t: string) => new Uint8Array(Buffer.from(t));
const validator = StaticTokenValidator.parse(
  'web-token emojivoto/web\n# comment\n\nvote-token emojivoto/voting\n',
);
const registry = new Registry();
const events: CertifyEvent[] = [];
let server: CertifyServer;
let service: CertifyService;

beforeAll(async () => {
  service = new CertifyService({
    trustAnchors: pki.anchors,
    validator,
    issuer: pki.ca.issuer,
    metrics: new CertifyMetrics(registry),
    onEvent: (e) => events.push(e),
  });
  server = await startCertifyServer(service, '127.0.0.1:0');
});
afterAll(() => server.close());

describe('Certify over gRPC', () => {
  it('issues a leaf whose chain verifies and whose SAN is the identity', async () => {
    const keys = generateKeyMaterial(web);
    const before = Math.floor(Date.now() / 1000);
    const out = await callCertify(server.port, {
      identity: web,
      token: token('web-token\n'),
      certificateSigningRequest: keys.csr,
    });
    if (!out.ok) throw new Error(`certify failed: ${out.details}`);
    const leaf = readCertificate(out.leaf);
    verifyChain(
      leaf,
      out.intermediates.map((d) => readCertificate(d)),
      pki.anchors,
    );
    verifyIdentity(leaf, web);
    expect(out.validUntilSeconds).toBe(leaf.notAfter.getTime() / 1000);
    expect(out.validUntilSeconds - before).toBeGreaterThanOrEqual(24 * 3600);
    expect(out.validUntilSeconds - before).toBeLessThanOrEqual(24 * 3600 + 21);
    expect(events.some((e) => e.type === 'IssuedLeafCertificate' && e.identity === web)).toBe(true);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/skein_identity_certificates_issued_total 1\b/);
    expect(metrics).toMatch(/issuer_cert_ttl_seconds \d{7,}/);
  });

  it('answers InvalidArgument for missing fields and unparsable CSRs', async () => {
    const csr = generateKeyMaterial(web).csr;
    const none = await callCertify(server.port, {
      identity: '',
      token: new Uint8Array(),
      certificateSigningRequest: csr,
    });
    expect(none).toEqual({
      ok: false,
      code: status.INVALID_ARGUMENT,
      details: 'missing required fields: identity, token',
    });
    const noCsr = await callCertify(server.port, {
      identity: web,
      token: token('web-token'),
      certificateSigningRequest: new Uint8Array(),
    });
    expect(noCsr).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'missing required fields: certificate_signing_request',
    });
    const junk = await callCertify(server.port, {
      identity: web,
      token: token('web-token'),
      certificateSigningRequest: token('PEM? no'),
    });
    expect(junk).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/not a DER PKCS#10 request/),
    });
  });

  it('answers FailedPrecondition for a CSR with the wrong SAN, before looking at the token', async () => {
    const csr = generateKeyMaterial(saIdentity('voting', 'emojivoto')).csr;
    const out = await callCertify(server.port, {
      identity: web,
      token: token('unknown'),
      certificateSigningRequest: csr,
    });
    expect(out).toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: expect.stringMatching(/expected exactly one DNS SAN/),
    });
  });

  it('answers FailedPrecondition for an unknown token and for another service account’s token', async () => {
    const csr = generateKeyMaterial(web).csr;
    const unknown = await callCertify(server.port, {
      identity: web,
      token: token('nope'),
      certificateSigningRequest: csr,
    });
    expect(unknown).toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: 'token: not a known local-mesh token',
    });
    const other = await callCertify(server.port, {
      identity: web,
      token: token('vote-token'),
      certificateSigningRequest: csr,
    });
    expect(other).toMatchObject({
      code: status.FAILED_PRECONDITION,
      details: `requested identity "${web}" does not match the token's identity "${saIdentity('voting', 'emojivoto')}"`,
    });
    expect(await registry.metrics()).toMatch(
      /skein_identity_certify_failures_total\{code="FAILED_PRECONDITION"\} [3-9]/,
    );
  });

  it('maps validator outcomes: invalid → InvalidArgument, unavailable → Unavailable', async () => {
    const outcomes: Record<string, TokenValidator> = {
      invalid: {
        validate: async () => Promise.reject(new TokenRejectedError('invalid', 'review error: bad')),
      },
      unavailable: {
        validate: async () => Promise.reject(new TokenRejectedError('unavailable', 'api down')),
      },
    };
    for (const [reason, v] of Object.entries(outcomes)) {
      const svc = new CertifyService({ trustAnchors: pki.anchors, validator: v, issuer: pki.ca.issuer });
      const srv = await startCertifyServer(svc, '127.0.0.1:0');
      const out = await callCertify(srv.port, {
        identity: web,
        token: token('t'),
        certificateSigningRequest: generateKeyMaterial(web).csr,
      });
      await srv.close();
      expect(out).toMatchObject({
        code: reason === 'invalid' ? status.INVALID_ARGUMENT : status.UNAVAILABLE,
      });
    }
  });

  it('answers Unavailable without an issuer, and refuses an issuer that is not signed by the anchors', async () => {
    const svc = new CertifyService({ trustAnchors: pki.anchors, validator });
    const srv = await startCertifyServer(svc, '127.0.0.1:0');
    try {
      const req = {
        identity: web,
        token: token('web-token'),
        certificateSigningRequest: generateKeyMaterial(web).csr,
      };
      expect(await callCertify(srv.port, req)).toMatchObject({
        code: status.UNAVAILABLE,
        details: 'no issuer is loaded yet',
      });
      const stranger = generateIssuer(generateTrustAnchor({ commonName: 'stranger' }));
      expect(
        svc.setIssuer(issuerFromPem({ certificatePem: stranger.certificatePem, keyPem: stranger.keyPem })),
      ).toBe(false);
      expect(await callCertify(srv.port, req)).toMatchObject({ code: status.UNAVAILABLE });
      expect(svc.setIssuer(pki.ca.issuer)).toBe(true);
      expect(await callCertify(srv.port, req)).toMatchObject({ ok: true });
    } finally {
      await srv.close();
    }
  });

  it('answers Unavailable once the issuer has expired', async () => {
    let offset = 0;
    const svc = new CertifyService({
      trustAnchors: pki.anchors,
      validator,
      issuer: pki.ca.issuer,
      now: () => Date.now() + offset,
    });
    expect(svc.authority).toBeDefined();
    offset = 400 * 24 * 3600_000;
    await expect(
      svc.certify({
        identity: web,
        token: token('web-token'),
        certificateSigningRequest: generateKeyMaterial(web).csr,
      }),
    ).rejects.toMatchObject({
      grpcCode: status.UNAVAILABLE,
      message: expect.stringMatching(/is not valid now/),
    });
  });
});

describe('StaticTokenValidator.parse', () => {
  it('names the malformed line', () => {
    expect(() => StaticTokenValidator.parse('ok emojivoto/web\nbroken-line\n', 'tokens.txt')).toThrow(
      'invalid tokens.txt line 2="broken-line": expected "<token> <namespace>/<serviceaccount>"',
    );
  });
});
