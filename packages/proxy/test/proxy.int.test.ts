import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyConfig } from '../src/config/proxy-config.js';
import { SkeinProxy } from '../src/proxy.js';

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, host: string, agent?: http.Agent): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, headers: { host }, agent: agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Proxy (standalone, explicit mode, static discovery)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-proxy-test-'));
  const discoveryFile = join(dir, 'discovery.yaml');
  const backends: http.Server[] = [];
  const hits = new Map<string, number>();
  let proxy: SkeinProxy;
  let outbound = 0;
  let admin = 0;
  let slowRelease: (() => void) | undefined;

  beforeAll(async () => {
    const ports: number[] = [];
    for (const name of ['a', 'b']) {
      const server = http.createServer((req, res) => {
        hits.set(name, (hits.get(name) ?? 0) + 1);
        if (req.url === '/slow') {
          slowRelease = () => res.end('slow done');
          return;
        }
        res.setHeader('x-backend', name);
        res.end(`hello from ${name} ${req.url}`);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      backends.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
    writeFileSync(
      discoveryFile,
      `authorities:
  web.demo.svc.cluster.local:80:
    labels: { namespace: demo, service: web }
    endpoints:
      - { address: "127.0.0.1:${ports[0]}", labels: { pod: web-a } }
      - { address: "127.0.0.1:${ports[1]}", labels: { pod: web-b } }
`,
    );
    const config = readProxyConfig({
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
      SKEIN_PROXY_DISCOVERY_FILE: discoveryFile,
    });
    proxy = await SkeinProxy.start({ config, env: { SKEIN_TEST: '1' } });
    outbound = proxy.addresses.outbound[0]!.port;
    admin = proxy.addresses.admin.port;
  });

  afterAll(async () => {
    await proxy.shutdown(1000);
    for (const b of backends) b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('balances requests for a discovered authority over its endpoints', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => get(outbound, `/n${i}`, 'web.demo.svc.cluster.local', agent)),
    );
    agent.destroy();
    expect(results.every((r) => r.status === 200)).toBe(true);
    const seen = new Set(results.map((r) => r.headers['x-backend']));
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('exports request and response metrics labelled with the endpoint discovery labels', async () => {
    const metrics = await get(admin, '/metrics', 'admin');
    const lines = metrics.body.split('\n');
    const requestA = lines.find((l) => l.startsWith('request_total{') && l.includes('dst_pod="web-a"'));
    expect(requestA).toMatch(
      /^request_total\{direction="outbound",authority="web\.demo\.svc\.cluster\.local:80",target_addr="127\.0\.0\.1:\d+",target_ip="127\.0\.0\.1",target_port="\d+",tls="no_identity",no_tls_reason="not_provided_by_service_discovery",dst_namespace="demo",dst_pod="web-a",dst_service="web"\} \d+$/,
    );
    const total = lines
      .filter(
        (l) =>
          l.startsWith('response_total{') &&
          l.includes('status_code="200"') &&
          l.includes('classification="success"'),
      )
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(total).toBeGreaterThanOrEqual(40);
    expect(metrics.body).toMatch(/response_latency_ms_bucket\{direction="outbound",[^}]*le="1"\}/);
    expect(metrics.body).toMatch(/tcp_open_total\{direction="outbound",peer="src"/);
    expect(metrics.body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metrics.body).toMatch(/^proxy_build_info\{version="0\.1\.0"/m);
  });

  it('passes promtool check metrics (only the spec-mandated *_ms names draw a lint)', async () => {
    const { execFileSync } = await import('node:child_process');
    const text = (await get(admin, '/metrics', 'admin')).body;
    let out = '';
    let code = 0;
    try {
      out = execFileSync('promtool', ['check', 'metrics'], {
        input: text,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      code = e.status;
      out = `${e.stdout}${e.stderr}`;
    }
    // Exit 3 is "lint problems"; a parse error would be 1. Linkerd's latency families are named
    // *_ms by contract, which promtool's lint flags: nothing else may be reported.
    expect([0, 3]).toContain(code);
    const problems = out.split('\n').filter((l) => l.trim() !== '');
    for (const p of problems)
      expect(p).toMatch(
        /^(route_|control_)?response_latency_ms metric names should not contain abbreviated units$/,
      );
  });

  it('falls back to DNS for names the file does not list, and fails fast for names that do not exist', async () => {
    const direct = await get(outbound, '/dns', `localhost:${(backends[0]!.address() as AddressInfo).port}`);
    expect(direct.status).toBe(200);
    expect(direct.body).toBe('hello from a /dns');
    const started = performance.now();
    const missing = await get(outbound, '/', 'no-such-service.invalid');
    expect(missing.status).toBe(502);
    expect(missing.headers['l5d-proxy-error']).toBe(
      'no-such-service.invalid:80: service discovery says this name does not exist',
    );
    // Not the 3 s failfast: the name is known not to exist.
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('refuses a request that would loop back into the proxy', async () => {
    const loop = await get(outbound, '/', `127.0.0.1:${outbound}`);
    expect(loop.status).toBe(508);
  });

  it('serves /ready and finishes in-flight requests during a graceful shutdown', async () => {
    expect((await get(admin, '/ready', 'admin')).body).toBe('ready\n');
    const inflight = get(outbound, '/slow', 'web.demo.svc.cluster.local');
    await new Promise((r) => setTimeout(r, 100));
    const shutdown = proxy.shutdown(5_000);
    await new Promise((r) => setTimeout(r, 100));
    slowRelease?.();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(res.body).toBe('slow done');
    await shutdown;
    await expect(get(outbound, '/', 'web.demo.svc.cluster.local')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('Proxy header rules (ingress mode, l5d-require-id, remote l5d headers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-proxy-headers-'));
  let backend: http.Server;
  let proxy: SkeinProxy;

  beforeAll(async () => {
    backend = http.createServer((req, res) => {
      res.setHeader('l5d-proxy-error', 'from a remote proxy');
      res.setHeader('x-saw-override', String(req.headers['l5d-dst-override'] ?? 'none'));
      if (req.url === '/close') res.setHeader('l5d-proxy-connection', 'close');
      res.end(`backend ${req.headers.host}`);
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const port = (backend.address() as AddressInfo).port;
    const file = join(dir, 'd.yaml');
    writeFileSync(
      file,
      `authorities:
  api.internal:80: { endpoints: [ { address: "127.0.0.1:${port}" } ] }
  meshed.internal:80: { endpoints: [ { address: "127.0.0.1:${port}", identity: good.ns.serviceaccount.identity.linkerd.cluster.local } ] }
`,
    );
    proxy = await SkeinProxy.start({
      config: readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INGRESS_MODE: 'true',
        // Ingress mode turns informational headers off by default; keep them to read the errors.
        LINKERD2_PROXY_OUTBOUND_DISABLE_INFORMATIONAL_HEADERS: 'false',
        SKEIN_PROXY_DISCOVERY_FILE: file,
      }),
    });
  });

  afterAll(async () => {
    await proxy.shutdown(500);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function request(path: string, headers: Record<string, string>): Promise<Res> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: proxy.addresses.outbound[0]!.port, path, headers, agent: false },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('routes by l5d-dst-override in ingress mode and consumes the header', async () => {
    const res = await request('/', { host: 'public.example.com', 'l5d-dst-override': 'api.internal:80' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('backend public.example.com');
    expect(res.headers['x-saw-override']).toBe('none');
    expect((await request('/', { host: 'x', 'l5d-dst-override': 'not a host!' })).status).toBe(400);
  });

  it('strips remote l5d-proxy-error and turns l5d-proxy-connection: close into closing the connection', async () => {
    const res = await request('/close', { host: 'api.internal' });
    expect(res.headers['l5d-proxy-error']).toBeUndefined();
    expect(res.headers['l5d-proxy-connection']).toBeUndefined();
    expect(res.headers.connection).toBe('close');
  });

  it('answers 502 when l5d-require-id does not match the endpoint identity', async () => {
    const res = await request('/', {
      host: 'api.internal',
      'l5d-require-id': 'good.ns.serviceaccount.identity.linkerd.cluster.local',
    });
    expect(res.status).toBe(502);
    expect(res.headers['l5d-proxy-error']).toMatch(/required the identity 'good\.ns\.serviceaccount/);
  });
});
