import { readFileSync } from 'node:fs';
import { IdentityCertMetrics } from '@skein/core';
import { Registry } from 'prom-client';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../src/ca/certificate-authority.js';
import { type CertifyServer, startCertifyServer } from '../../src/certify/certify-server.js';
import { CertifyService } from '../../src/certify/certify-service.js';
import { StaticTokenValidator } from '../../src/certify/static-token-validator.js';
import { type GrpcCertify, grpcCertify } from '../../src/client/certify-transport.js';
import { generateKeyMaterial, loadKeyMaterial } from '../../src/client/key-material.js';
import { refreshDelayMs } from '../../src/client/refresh-delay.js';
import { WorkloadIdentity, type WorkloadIdentityOptions } from '../../src/client/workload-identity.js';
import { IdentityError } from '../../src/errors.js';
import { parseCsr } from '../../src/x509/csr.js';
import { openssl, saIdentity, tempDir, testPki } from '../support/pki.js';

const pki = testPki();
const web = saIdentity('web', 'emojivoto');
const tmp = tempDir();
const validator = StaticTokenValidator.parse('good emojivoto/web\n');
let server: CertifyServer;
let transport: GrpcCertify;
const clients: WorkloadIdentity[] = [];

beforeAll(async () => {
  // Short-lived certificates so refreshes happen within the test: 3 s lifetime, no skew.
  const service = new CertifyService({
    trustAnchors: pki.anchors,
    validator,
    issuer: pki.ca.issuer,
    lifetimeMs: 3000,
    clockSkewMs: 0,
  });
  server = await startCertifyServer(service, '127.0.0.1:0');
  transport = grpcCertify({ address: `127.0.0.1:${server.port}` });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  transport.close();
  await server.close();
  tmp.cleanup();
});

function client(overrides: Partial<WorkloadIdentityOptions> = {}): WorkloadIdentity {
  const c = new WorkloadIdentity({
    localName: web,
    trustAnchors: pki.anchors,
    keyMaterial: generateKeyMaterial(web),
    certify: transport.certify,
    token: tmp.write('token', 'good'),
    minRefreshMs: 100,
    ...overrides,
  });
  clients.push(c);
  return c;
}

describe('refreshDelayMs', () => {
  it('is 70% of the remaining lifetime clamped to [min, max]', () => {
    expect(refreshDelayMs(100_000, 0)).toBe(70_000);
    expect(refreshDelayMs(5_000, 0)).toBe(10_000);
    expect(refreshDelayMs(1e12, 0)).toBe(24 * 3600_000);
    expect(refreshDelayMs(-5, 0, 250)).toBe(250);
    expect(refreshDelayMs(2000, 1000, 10, 10_000)).toBe(700);
  });
});

describe('WorkloadIdentity', () => {
  it('obtains a certificate from a running Certify server and becomes ready', async () => {
    const c = client();
    expect(c.isReady).toBe(false);
    c.start();
    const creds = await c.ready();
    expect(c.isReady).toBe(true);
    expect(creds.localName).toBe(web);
    expect(creds.certificate.altNames.dns).toEqual([web]);
    expect(creds.intermediates.map((i) => i.subjectCommonName)).toEqual(['identity.linkerd.cluster.local']);
    expect(creds.certificatePem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(c.current).toBe(creds);
  });

  it('stops being ready once its certificate has expired (refreshes kept failing)', async () => {
    let skew = 0;
    const c = client({ now: () => Date.now() + skew });
    c.start();
    const creds = await c.ready();
    expect(c.isReady).toBe(true);
    // The clock passes the expiry before any refresh lands: readiness must follow the clock.
    skew = creds.validUntil.getTime() - Date.now() + 1;
    expect(c.isReady).toBe(false);
    expect(c.current).toBe(creds);
  });

  it('updates the proxy’s control_identity_cert_* metrics (IdentityCertMetrics from @skein/core)', async () => {
    const registry = new Registry();
    const failing = client({
      metrics: new IdentityCertMetrics(registry),
      token: tmp.write('token-metrics', 'nope'),
    });
    failing.start();
    await new Promise((r) => setTimeout(r, 250));
    tmp.write('token-metrics', 'good');
    const creds = await failing.ready();
    const text = await registry.metrics();
    expect(text).toContain(
      `control_identity_cert_expiration_timestamp_seconds ${creds.validUntil.getTime() / 1000}`,
    );
    expect(text).toMatch(/control_identity_cert_refreshes_total\{result="ok"\} 1/);
    expect(text).toMatch(/control_identity_cert_refreshes_total\{result="error"\} [1-9]/);
  });

  it('refreshes at 70% of the lifetime and publishes each certificate', async () => {
    const c = client();
    c.start();
    const [a, b] = await firstValueFrom(c.credentials$.pipe(take(2), toArray()));
    expect(a?.certificate.serialNumber).not.toBe(b?.certificate.serialNumber);
    // refresh was due ~2.1 s after the first of a 3 s certificate
    expect(
      (b?.certificate.notBefore.getTime() ?? 0) - (a?.certificate.notBefore.getTime() ?? 0),
    ).toBeGreaterThanOrEqual(1000);
    expect(
      (b?.certificate.notBefore.getTime() ?? 0) - (a?.certificate.notBefore.getTime() ?? 0),
    ).toBeLessThanOrEqual(3000);
  });

  it('re-reads the token file on every call and retries after failures', async () => {
    const tokenPath = tmp.write('token-retry', 'wrong');
    const metrics = {
      ok: 0,
      failed: 0,
      certified: () => void metrics.ok++,
      refreshFailed: () => void metrics.failed++,
    };
    const c = client({ token: tokenPath, metrics });
    c.start();
    await new Promise((r) => setTimeout(r, 350));
    expect(c.isReady).toBe(false);
    expect(metrics.failed).toBeGreaterThanOrEqual(2);
    tmp.write('token-retry', 'good');
    await c.ready();
    expect(metrics.ok).toBe(1);
  });

  it('refuses an answer that does not chain to its anchors or is for another name or key', async () => {
    const other = testPki({}, 'other-root');
    const wrongCa = client({ certify: transport.certify, trustAnchors: other.anchors });
    await expect(wrongCa.certifyOnce()).rejects.toThrow(
      /does not chain to the trust anchors \("other-root"\)/,
    );

    // A CA that signs whatever it is asked (no checks): the client must still refuse.
    const lax = new CertificateAuthority({ issuer: pki.ca.issuer });
    const laxCertify: WorkloadIdentityOptions['certify'] = async (req) => {
      const issued = lax.issue(parseCsr(req.certificateSigningRequest));
      return {
        leafCertificate: issued.leaf,
        intermediateCertificates: issued.intermediates,
        validUntil: issued.validUntil,
      };
    };
    const wrongName = client({
      certify: laxCertify,
      keyMaterial: generateKeyMaterial(saIdentity('api', 'emojivoto')),
    });
    await expect(wrongName.certifyOnce()).rejects.toThrow(
      /certificate identity mismatch: expected "web\.emojivoto/,
    );

    const otherKey = generateKeyMaterial(web);
    const wrongKey = client({
      certify: async () => {
        const issued = lax.issue(parseCsr(otherKey.csr));
        return {
          leafCertificate: issued.leaf,
          intermediateCertificates: issued.intermediates,
          validUntil: issued.validUntil,
        };
      },
    });
    await expect(wrongKey.certifyOnce()).rejects.toThrow(/not for our key/);

    const past = client({
      certify: async (req) => {
        const issued = lax.issue(parseCsr(req.certificateSigningRequest));
        return {
          leafCertificate: issued.leaf,
          intermediateCertificates: issued.intermediates,
          validUntil: new Date(Date.now() - 1000),
        };
      },
    });
    await expect(past.certifyOnce()).rejects.toThrow(/valid_until .* is already past/);
  });

  it('reports Certify errors with the server’s message', async () => {
    const c = client({ token: async () => new Uint8Array(Buffer.from('nope')) });
    await expect(c.certifyOnce()).rejects.toThrow(
      /Certify failed: 9 FAILED_PRECONDITION: token: not a known local-mesh token/,
    );
    const missing = client({ token: `${tmp.dir}/no-such-token` });
    await expect(missing.certifyOnce()).rejects.toThrow(/cannot read the token file .*no-such-token/);
  });

  it('rejects ready() and completes credentials$ when closed before certification', async () => {
    const c = client({ token: async () => new Uint8Array(Buffer.from('nope')) });
    c.start();
    const ready = c.ready();
    c.close();
    await expect(ready).rejects.toThrow(IdentityError);
    await expect(ready).rejects.toThrow(/closed before it was certified/);
  });
});

describe('loadKeyMaterial', () => {
  it('loads key.p8 and csr.der written by openssl', async () => {
    const pem = `${tmp.dir}/k.pem`;
    expect((await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', pem])).code).toBe(
      0,
    );
    expect(
      (
        await openssl([
          'pkcs8',
          '-topk8',
          '-nocrypt',
          '-in',
          pem,
          '-outform',
          'DER',
          '-out',
          `${tmp.dir}/key.p8`,
        ])
      ).code,
    ).toBe(0);
    const made = await openssl([
      'req',
      '-new',
      '-key',
      pem,
      '-outform',
      'DER',
      '-out',
      `${tmp.dir}/csr.der`,
      '-subj',
      `/CN=${web}`,
      '-addext',
      `subjectAltName=DNS:${web}`,
    ]);
    expect(made.code).toBe(0);
    const keys = await loadKeyMaterial(tmp.dir);
    expect(keys.csr).toEqual(new Uint8Array(readFileSync(`${tmp.dir}/csr.der`)));
    const c = client({ keyMaterial: keys });
    const creds = await c.certifyOnce();
    expect(creds.certificate.altNames.dns).toEqual([web]);
  });

  it('names the file that is missing, empty or wrong', async () => {
    const empty = tempDir();
    try {
      await expect(loadKeyMaterial(empty.dir)).rejects.toThrow(/cannot read .*key\.p8/);
      empty.write('key.p8', '');
      empty.write('csr.der', 'x');
      await expect(loadKeyMaterial(empty.dir)).rejects.toThrow(/key\.p8 is empty/);
      empty.write('key.p8', generateKeyMaterial(web).privateKey.export({ format: 'der', type: 'pkcs8' }));
      empty.write('csr.der', generateKeyMaterial(web).csr);
      await expect(loadKeyMaterial(empty.dir)).rejects.toThrow(
        /csr\.der: the CSR's public key is not the key in .*key\.p8/,
      );
    } finally {
      empty.cleanup();
    }
  });
});
