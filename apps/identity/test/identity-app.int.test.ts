import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import {
  generateIssuer,
  generateKeyMaterial,
  generateTrustAnchor,
  grpcCertify,
  readCertificate,
  TrustAnchors,
  WorkloadIdentity,
} from '@skein/identity';
import { closeAllProcesses, type RunningProcess, runProcess, startKubeApiServer } from '@skein/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'skein-identity-app-'));
afterAll(async () => {
  await closeAllProcesses();
  rmSync(dir, { recursive: true, force: true });
});

const anchor = generateTrustAnchor();
const anchors = TrustAnchors.fromPem(anchor.certificatePem);
const web = 'web.emojivoto.serviceaccount.identity.linkerd.cluster.local';
const write = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
};
write('anchors.pem', anchor.certificatePem);
write('tokens.txt', 'web-token emojivoto/web\n');

/** Mounts an issuer the way the kubelet updates a Secret volume: a new directory, then an atomic `..data` swap. */
function mountIssuer(
  name: string,
  version: number,
  issuer: { certificatePem: string; keyPem: string },
): string {
  const root = join(dir, name);
  write(`${name}/v${version}/crt.pem`, issuer.certificatePem);
  write(`${name}/v${version}/key.pem`, issuer.keyPem);
  symlinkSync(`v${version}`, join(root, '..data_tmp'));
  renameSync(join(root, '..data_tmp'), join(root, '..data'));
  if (version === 1) {
    symlinkSync('..data/crt.pem', join(root, 'crt.pem'));
    symlinkSync('..data/key.pem', join(root, 'key.pem'));
  }
  return root;
}

async function start(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ proc: RunningProcess; certify: number; admin: number }> {
  const proc = await runProcess({
    command: process.execPath,
    args: [
      BIN,
      '--addr',
      '127.0.0.1:0',
      '--admin-addr',
      '127.0.0.1:0',
      '--trust-anchors-file',
      join(dir, 'anchors.pem'),
      ...args,
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    ready: /listening: certify 127\.0\.0\.1:(\d+) admin 127\.0\.0\.1:(\d+)/,
  });
  return { proc, certify: Number(proc.readyMatch?.[1]), admin: Number(proc.readyMatch?.[2]) };
}

function certifyOnce(port: number, token: string) {
  const transport = grpcCertify({ address: `127.0.0.1:${port}`, timeoutMs: 5000 });
  const client = new WorkloadIdentity({
    localName: web,
    trustAnchors: anchors,
    keyMaterial: generateKeyMaterial(web),
    certify: transport.certify,
    token: async () => new Uint8Array(Buffer.from(token)),
  });
  return client.certifyOnce().finally(() => {
    client.close();
    transport.close();
  });
}

const get = async (port: number, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
};

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('skein-identity (local mesh: static tokens)', () => {
  it('serves Certify with the mounted issuer, reloads it on change, and exposes metrics and health', async () => {
    const first = generateIssuer(anchor, { serial: 11n });
    mountIssuer('issuer', 1, first);
    const { proc, certify, admin } = await start([
      '--issuer-dir',
      join(dir, 'issuer'),
      '--static-tokens-file',
      join(dir, 'tokens.txt'),
      '--issuer-poll-interval',
      '100ms',
    ]);
    await eventually(async () => (await get(admin, '/ready')).status === 200, '/ready');
    expect(await get(admin, '/live')).toEqual({ status: 200, text: 'pong\n' });

    const creds = await certifyOnce(certify, 'web-token');
    expect(creds.certificate.altNames.dns).toEqual([web]);
    expect(creds.intermediates[0]?.serialNumber).toBe('B');
    const metrics = (await get(admin, '/metrics')).text;
    expect(metrics).toMatch(/^skein_identity_certificates_issued_total 1$/m);
    expect(metrics).toMatch(/^issuer_cert_ttl_seconds \d+$/m);
    expect(metrics).toMatch(/^skein_identity_issuer_updates_total\{result="updated"\} 1$/m);

    // rotate the issuer: new certificates come from the new one
    const second = generateIssuer(anchor, { serial: 12n });
    mountIssuer('issuer', 2, second);
    await eventually(
      async () => /issuer_updates_total\{result="updated"\} 2/.test((await get(admin, '/metrics')).text),
      'issuer reload',
    );
    expect((await certifyOnce(certify, 'web-token')).intermediates[0]?.serialNumber).toBe('C');

    // an issuer from another anchor is skipped; the current one stays
    const stranger = generateIssuer(generateTrustAnchor({ commonName: 'stranger' }), { serial: 13n });
    mountIssuer('issuer', 3, stranger);
    await eventually(
      async () => /issuer_updates_total\{result="skipped"\} 1/.test((await get(admin, '/metrics')).text),
      'skipped issuer',
    );
    expect((await certifyOnce(certify, 'web-token')).intermediates[0]?.serialNumber).toBe('C');

    await expect(certifyOnce(certify, 'bad-token')).rejects.toThrow(/FAILED_PRECONDITION/);
    expect(proc.output()).toMatch(/issuer updated/);
    expect(await proc.close()).toMatchObject({ code: 0 });
  });

  it('is not ready and answers Unavailable without an issuer', async () => {
    // anchors from the environment win over the (missing) file
    const { proc, certify, admin } = await start(
      [
        '--issuer-dir',
        join(dir, 'missing'),
        '--static-tokens-file',
        join(dir, 'tokens.txt'),
        '--trust-anchors-file',
        join(dir, 'nope.pem'),
      ],
      { SKEIN_IDENTITY_TRUST_ANCHORS_PEM: anchor.certificatePem },
    );
    expect(await get(admin, '/ready')).toEqual({ status: 503, text: 'no issuer loaded\n' });
    await expect(certifyOnce(certify, 'web-token')).rejects.toThrow(
      new RegExp(`${status.UNAVAILABLE} UNAVAILABLE: no issuer is loaded yet`),
    );
    await proc.close();
  });

  it('exits 2 naming the flag for bad configuration', async () => {
    const proc = await runProcess({
      command: process.execPath,
      args: [BIN, '--issuance-lifetime', '1 day', '--addr', 'nowhere'],
    });
    expect(await proc.exited).toMatchObject({ code: 2 });
    expect(proc.stderr()).toMatch(/invalid --issuance-lifetime="1 day"/);
    expect(proc.stderr()).toMatch(/invalid --addr="nowhere"/);
    const anchorsBad = await runProcess({
      command: process.execPath,
      args: [BIN, '--static-tokens-file', join(dir, 'tokens.txt')],
      env: { PATH: process.env.PATH, SKEIN_IDENTITY_TRUST_ANCHORS_PEM: 'not a certificate' },
    });
    expect(await anchorsBad.exited).toMatchObject({ code: 2 });
    expect(anchorsBad.stderr()).toMatch(
      /SKEIN_IDENTITY_TRUST_ANCHORS_PEM: expected at least one "-----BEGIN CERTIFICATE-----" block/,
    );
  });
});

describe('skein-identity (Kubernetes: TokenReview)', () => {
  it('validates tokens with TokenReview through a kubeconfig', async () => {
    const api = await startKubeApiServer({ tls: true });
    try {
      api.auth.addServiceAccountToken('projected-web', {
        namespace: 'emojivoto',
        name: 'web',
        audiences: ['identity.l5d.io'],
      });
      const issuer = generateIssuer(anchor);
      write('issuer-k8s/tls.crt', issuer.certificatePem);
      write('issuer-k8s/tls.key', issuer.keyPem);
      const kubeconfig = write('kubeconfig.json', api.kubeconfig);
      const { proc, certify } = await start([
        '--issuer-dir',
        join(dir, 'issuer-k8s'),
        '--kubeconfig',
        kubeconfig,
      ]);
      await eventually(
        async () =>
          await certifyOnce(certify, 'projected-web').then(
            () => true,
            () => false,
          ),
        'certificate',
      );
      const creds = await certifyOnce(certify, 'projected-web');
      expect(readCertificate(creds.certificate.der).altNames.dns).toEqual([web]);
      await expect(certifyOnce(certify, 'unknown')).rejects.toThrow(
        /FAILED_PRECONDITION: TokenReview: the token is not authenticated/,
      );
      expect(
        api.requests.count({ method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews' }),
      ).toBeGreaterThanOrEqual(3);
      await proc.close();
    } finally {
      await api.close();
    }
  });
});
