import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryFile, type EchoBackend, startEchoBackend } from '../src/echo-backend.ts';
import { type SkeinProxyProcess, startSkeinProxy } from '../src/skein-proxy-process.ts';
import { closeProxyConnections, getViaProxy } from '../src/via-proxy.ts';

const PLUGIN = fileURLToPath(new URL('../src/plugin.ts', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('skein-proxy with the request-layers plugin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-proxy-layer-plugin-'));
  let backend: EchoBackend;
  let proxy: SkeinProxyProcess;

  beforeAll(async () => {
    backend = await startEchoBackend();
    const file = join(dir, 'discovery.yaml');
    writeFileSync(file, discoveryFile(['api.example:80', 'tracker.example:80'], backend));
    proxy = await startSkeinProxy({
      SKEIN_PROXY_DISCOVERY_FILE: file,
      SKEIN_PROXY_PLUGINS: PLUGIN,
      EGRESS_ALLOW_HOSTS: 'api.example, API2.example',
    });
  });

  afterAll(async () => {
    closeProxyConnections();
    await proxy?.stop();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds an x-request-id that reaches the backend, a new one per request', async () => {
    const first = JSON.parse((await getViaProxy(proxy.outboundPort, 'http://api.example/')).body);
    const second = JSON.parse((await getViaProxy(proxy.outboundPort, 'http://api.example/')).body);
    expect(first['x-request-id']).toMatch(UUID);
    expect(second['x-request-id']).toMatch(UUID);
    expect(second['x-request-id']).not.toBe(first['x-request-id']);
  });

  it("keeps the application's own x-request-id", async () => {
    const res = await getViaProxy(proxy.outboundPort, 'http://api.example/', {
      'x-request-id': 'from-the-app',
    });
    expect(JSON.parse(res.body)['x-request-id']).toBe('from-the-app');
  });

  it('adds server-timing to the response', async () => {
    const res = await getViaProxy(proxy.outboundPort, 'http://api.example/');
    expect(res.status).toBe(200);
    expect(res.headers['server-timing']).toMatch(/^skein-proxy;dur=\d+\.\d$/);
  });

  it('refuses hosts outside the allowlist with 403 before they reach anything', async () => {
    const before = backend.hits;
    const res = await getViaProxy(proxy.outboundPort, 'http://tracker.example/');
    expect(res.status).toBe(403);
    expect(res.headers['l5d-proxy-error']).toBe('egress to tracker.example is not allowed');
    expect(backend.hits).toBe(before);
  });

  it('refuses gRPC requests the gRPC way (200, grpc-status 7)', async () => {
    const res = await getViaProxy(proxy.outboundPort, 'http://tracker.example/pkg.Svc/Call', {
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    expect(res.status).toBe(200);
    expect(res.headers['grpc-status']).toBe('7');
  });
});

describe('npm start', () => {
  it('shows the request id, the timing header and a refusal', () => {
    const run = spawnSync(process.execPath, [fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/api\.example {6}-> 200, backend saw x-request-id: [0-9a-f-]{36}/);
    expect(run.stdout).toMatch(/server-timing: skein-proxy;dur=/);
    expect(run.stdout).toContain(
      'tracker.example  -> 403, l5d-proxy-error: egress to tracker.example is not allowed',
    );
  });
});
