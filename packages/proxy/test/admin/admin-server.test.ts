import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ReloadableLogFilter } from '@skein/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminServer } from '../../src/admin/admin-server.js';
import { nonLoopbackAddress } from '../support/non-loopback.js';

const run = promisify(execFile);

function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('AdminServer', () => {
  let ready = false;
  let shutdowns = 0;
  const filter = new ReloadableLogFilter('warn,linkerd=info');
  const metricsText =
    '# HELP request_total Total HTTP requests.\n# TYPE request_total counter\nrequest_total{direction="outbound"} 3\n# EOF\n';
  const makeServer = (shutdownEnabled: boolean) =>
    new AdminServer({
      listen: { host: '127.0.0.1', port: 0, family: 'ipv4' },
      metrics: () => metricsText,
      ready: () => ready,
      logFilter: filter,
      env: { LINKERD2_PROXY_LOG: 'warn', HOME: '/root' },
      shutdownEnabled,
      onShutdown: () => shutdowns++,
    });
  const server = makeServer(true);
  const disabled = makeServer(false);
  let port = 0;
  let disabledPort = 0;

  beforeAll(async () => {
    port = (await server.listen()).port;
    disabledPort = (await disabled.listen()).port;
  });
  afterAll(async () => {
    await server.close();
    await disabled.close();
  });

  it('serves /metrics, gzip when asked, and promtool accepts it', async () => {
    const plain = await call(port, '/metrics');
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toBe(metricsText);
    const gz = await call(port, '/metrics', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(metricsText);
    const { stdout } = await run('sh', [
      '-c',
      `curl -s http://127.0.0.1:${port}/metrics | promtool check metrics; echo rc=$?`,
    ]);
    expect(stdout).toContain('rc=0');
  });

  it('reports readiness and liveness', async () => {
    ready = false;
    expect(await call(port, '/ready')).toMatchObject({ status: 503 });
    expect((await call(port, '/ready')).body.toString()).toBe('not ready\n');
    ready = true;
    expect((await call(port, '/ready')).body.toString()).toBe('ready\n');
    expect((await call(port, '/live')).body.toString()).toBe('live\n');
  });

  it('serves /env.json as JSON with optional variable selection', async () => {
    const all = await call(port, '/env.json');
    expect(JSON.parse(all.body.toString())).toEqual({ LINKERD2_PROXY_LOG: 'warn', HOME: '/root' });
    const some = await call(port, '/env.json?LINKERD2_PROXY_LOG&MISSING');
    expect(JSON.parse(some.body.toString())).toEqual({ LINKERD2_PROXY_LOG: 'warn', MISSING: null });
    expect((await call(port, '/env.json?a=b')).status).toBe(400);
    expect((await call(port, '/env.json', { headers: { accept: 'text/html' } })).status).toBe(406);
    expect((await call(port, '/env.json', { method: 'POST' })).status).toBe(405);
  });

  it('gets and sets the log level from localhost, rejecting bad filters', async () => {
    expect((await call(port, '/proxy-log-level')).body.toString()).toBe('warn,linkerd=info\n');
    expect(
      (await call(port, '/proxy-log-level', { method: 'PUT', body: 'debug,linkerd=trace' })).status,
    ).toBe(204);
    expect(filter.toString()).toBe('debug,linkerd=trace');
    const bad = await call(port, '/proxy-log-level', { method: 'PUT', body: 'linkerd=loud' });
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toMatch(/proxy-log-level/);
    expect(filter.toString()).toBe('debug,linkerd=trace');
    const post = await call(port, '/proxy-log-level', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, PUT');
  });

  it('shuts down only on POST from localhost when enabled', async () => {
    expect((await call(port, '/shutdown')).status).toBe(405);
    expect((await call(disabledPort, '/shutdown', { method: 'POST' })).status).toBe(404);
    const ok = await call(port, '/shutdown', { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('shutdown\n');
    await new Promise((r) => setImmediate(r));
    expect(shutdowns).toBe(1);
  });

  it('refuses log-level and shutdown from a non-loopback peer (403), serving metrics', async () => {
    const open = new AdminServer({
      listen: { host: '0.0.0.0', port: 0, family: 'ipv4' },
      metrics: () => metricsText,
      ready: () => true,
      logFilter: filter,
      env: {},
      shutdownEnabled: true,
      onShutdown: () => shutdowns++,
    });
    const openPort = (await open.listen()).port;
    const { address, cleanup } = nonLoopbackAddress();
    try {
      const before = shutdowns;
      expect((await call(openPort, '/proxy-log-level', { host: address })).status).toBe(403);
      expect(
        (await call(openPort, '/proxy-log-level', { host: address, method: 'PUT', body: 'trace' })).status,
      ).toBe(403);
      expect((await call(openPort, '/shutdown', { host: address, method: 'POST' })).status).toBe(403);
      expect((await call(openPort, '/metrics', { host: address })).status).toBe(200);
      expect(shutdowns).toBe(before);
      expect(filter.toString()).not.toBe('trace');
    } finally {
      cleanup();
      await open.close();
    }
  });

  it('answers 404 elsewhere', async () => {
    expect((await call(port, '/nope')).status).toBe(404);
  });
});
