import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, runProcess, selfSignedCertificate } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cert = selfSignedCertificate({ altNames: ['localhost'] });
const BIN = join(import.meta.dirname, '../dist/main.js');
const LISTENING = /"addr":"[^"]*:(\d+)","adminAddr":"[^"]*:(\d+)","msg":"sp-validator listening"/;

/** Starts the built app with this Node (24); without `ready` it resolves once spawned. */
function startApp(args: string[], ready?: RegExp): Promise<RunningProcess> {
  return runProcess({
    command: process.execPath,
    args: [BIN, ...args],
    ...(ready === undefined ? {} : { ready }),
  });
}

/** The `msg` of every JSON log line the app printed. */
function messages(p: RunningProcess): string {
  return p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg))
    .join('\n');
}

let dir: string;
let app: RunningProcess;
let port: number;
let adminPort: number;

function validate(
  object: unknown,
): Promise<{ allowed: boolean; status?: { code: number; message: string } }> {
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: 'linkerd.io', version: 'v1alpha2', kind: 'ServiceProfile' },
      namespace: 'emojivoto',
      operation: 'CREATE',
      object,
    },
  };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        method: 'POST',
        ca: cert.cert,
        servername: 'localhost',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve(JSON.parse(text).response));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(review));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-sp-validator-'));
  writeFileSync(join(dir, 'tls.crt'), cert.cert);
  writeFileSync(join(dir, 'tls.key'), cert.key);
  app = await startApp(
    [
      '--addr',
      '127.0.0.1:0',
      '--admin-addr',
      '127.0.0.1:0',
      '--tls-cert',
      join(dir, 'tls.crt'),
      '--tls-key',
      join(dir, 'tls.key'),
      '--log-format',
      'json',
    ],
    LISTENING,
  );
  port = Number(app.readyMatch![1]);
  adminPort = Number(app.readyMatch![2]);
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('skein-sp-validator (process)', () => {
  const sp = (spec: unknown) => ({
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: 'web.emojivoto.svc.cluster.local' },
    spec,
  });

  it('admits a valid ServiceProfile', async () => {
    expect(await validate(sp({ routes: [{ name: 'r', condition: { method: 'GET' } }] }))).toMatchObject({
      allowed: true,
    });
  });

  it('rejects an invalid one with 400 and the reason, and logs it', async () => {
    const response = await validate(
      sp({ routes: [{ name: 'r', condition: { method: 'GET' }, timeout: 'soon' }] }),
    );
    expect(response.allowed).toBe(false);
    expect(response.status).toMatchObject({
      code: 400,
      message: expect.stringContaining('spec.routes[0].timeout'),
    });
    await app.waitForLine(/"msg":"ServiceProfile rejected"/);
  });

  it('serves probes and exits 0 on SIGTERM', async () => {
    expect((await fetch(`http://127.0.0.1:${adminPort}/ready`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });

  it('exits 1 when the certificate files are missing', async () => {
    const p = await startApp([
      '--addr',
      '127.0.0.1:0',
      '--admin-addr',
      '127.0.0.1:0',
      '--tls-cert',
      '/nonexistent/tls.crt',
      '--tls-key',
      '/nonexistent/tls.key',
      '--log-format',
      'json',
    ]);
    expect((await p.exited).code).toBe(1);
    expect(messages(p)).toMatch(/ENOENT.*\/nonexistent\/tls\.crt/);
  });
});
