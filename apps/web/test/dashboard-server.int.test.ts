import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  type ControllerServer,
  ProxyScraper,
  parseStaticInventory,
  startControllerServer,
} from '@skein/controller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedController } from '../src/server/controller-target.js';
import { type DashboardServer, startDashboardServer } from '../src/server/dashboard-server.js';
import { IMMUTABLE } from '../src/server/static-assets.js';

// The server over real sockets: the built front end from dist/ui, a real controller API (static
// inventory, built-in scraper) behind /api, and a plain HTTP peer to observe what is forwarded.

const ASSETS = join(import.meta.dirname, '../dist/ui');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
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

/** A plain HTTP peer standing where the controller would be, recording what reaches it. */
interface Peer {
  port: number;
  seen: http.IncomingHttpHeaders[];
  closedStreams: number;
  server: http.Server;
}

async function startPeer(): Promise<Peer> {
  const peer: Peer = { port: 0, seen: [], closedStreams: 0, server: http.createServer() };
  peer.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    peer.seen.push(req.headers);
    if (req.url === '/api/stream') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"n":1}\n');
      const timer = setInterval(() => res.write('{"n":2}\n'), 100);
      res.on('close', () => {
        clearInterval(timer);
        peer.closedStreams++;
      });
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      res.writeHead(201, {
        'content-type': 'application/json',
        'x-upstream': 'yes',
        'keep-alive': 'timeout=99',
      });
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  });
  peer.server.listen(0, '127.0.0.1');
  await once(peer.server, 'listening');
  peer.port = (peer.server.address() as AddressInfo).port;
  return peer;
}

let controller: ControllerServer;
let dashboard: DashboardServer;
let peer: Peer;
let peerDashboard: DashboardServer;
let downDashboard: DashboardServer;
let port: number;

beforeAll(async () => {
  const inventory = parseStaticInventory(
    'pods:\n  - { name: a-0, namespace: demo, ip: 127.0.0.1, owner: deployment/a }\n',
    'inventory.yaml',
  );
  controller = await startControllerServer({
    inventory,
    metrics: new ProxyScraper({ targets: async () => [] }),
    metricsSourceName: 'scraper',
    version: '9.9.9-test',
    listen: { host: '127.0.0.1', port: 0 },
  });
  dashboard = await startDashboardServer({
    controller: fixedController({ url: `http://127.0.0.1:${controller.address.port}`, origin: '--api-addr' }),
    listen: { host: '127.0.0.1', port: 0 },
    assetsDir: ASSETS,
    grafanaUrl: 'http://127.0.0.1:3000/',
    refreshIntervalMs: 1500,
    version: '1.2.3',
  });
  port = dashboard.address.port;
  peer = await startPeer();
  peerDashboard = await startDashboardServer({
    controller: fixedController({ url: `http://127.0.0.1:${peer.port}`, origin: 'test' }),
    listen: { host: '127.0.0.1', port: 0 },
    assetsDir: ASSETS,
    enforcedHost: null,
  });
  // Port 1 on loopback: nothing listens there.
  downDashboard = await startDashboardServer({
    controller: fixedController({ url: 'http://127.0.0.1:1', origin: 'SKEIN_WEB_API_ADDR' }),
    listen: { host: '127.0.0.1', port: 0 },
    assetsDir: ASSETS,
  });
});

afterAll(async () => {
  await dashboard?.close();
  await peerDashboard?.close();
  await downDashboard?.close();
  await controller?.close();
  peer?.server.closeAllConnections();
  peer?.server.close();
});

describe('static assets', () => {
  it('serves index.html revalidated on every use, with a strict content security policy', async () => {
    const res = await request(port, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.toString()).toBe(readFileSync(join(ASSETS, 'index.html'), 'utf8'));
    expect(res.headers.etag).toMatch(/^"[\w-]{27}"$/);
    const again = await request(port, '/index.html', { headers: { 'if-none-match': res.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves hashed assets as immutable, gzip-compressed when the client accepts it', async () => {
    const html = (await request(port, '/')).body.toString();
    const script = /src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const plain = await request(port, `/${script}`);
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe(IMMUTABLE);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    const zipped = await request(port, `/${script}`, { headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Number(zipped.headers['content-length'])).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    const refused = await request(port, `/${script}`, { headers: { 'accept-encoding': 'gzip;q=0, br' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const head = await request(port, `/${script}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(plain.body.length));
  });

  it('answers unknown files, other methods and malformed paths with clear errors', async () => {
    const missing = await request(port, '/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toBe('no such file: /nope.js; the dashboard starts at /\n');
    const post = await request(port, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await request(port, '/%E0%A4%A')).status).toBe(400);
    expect((await request(port, '/ping')).body.toString()).toBe('pong\n');
    expect((await request(port, '/ready')).status).toBe(200);
  });

  it('keeps the API from Hosts it does not serve (DNS rebinding), unless told to answer any', async () => {
    const evil = await request(port, '/api/version', { headers: { host: 'evil.example:8084' } });
    expect(evil.status).toBe(403);
    expect(evil.body.toString()).toMatch(/^host not allowed: "evil\.example:8084"/);
    expect((await request(port, '/config.json', { headers: { host: 'evil.example' } })).status).toBe(403);
    for (const host of [
      'localhost:8084',
      '[::1]:8084',
      '127.0.0.1',
      'linkerd-web.linkerd.svc.cluster.local:8084',
    ]) {
      expect((await request(port, '/api/version', { headers: { host } })).status, host).toBe(200);
    }
    // Static files are public: kubelet probes ask for / by the pod's IP.
    expect((await request(port, '/', { headers: { host: '10.1.2.3:8084' } })).status).toBe(200);
    const any = await request(peerDashboard.address.port, '/api/x', { headers: { host: 'dash.example' } });
    expect(any.status).toBe(201);
  });
});

describe('config.json', () => {
  it('tells the page the controller, Grafana and the refresh interval', async () => {
    const res = await request(port, '/config.json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body.toString())).toEqual({
      version: '1.2.3',
      controller: { url: `http://127.0.0.1:${controller.address.port}`, origin: '--api-addr' },
      grafanaUrl: 'http://127.0.0.1:3000',
      refreshIntervalMs: 1500,
    });
  });
});

describe('the controller proxy', () => {
  it("passes the controller's answers and errors through unchanged", async () => {
    const version = await request(port, '/api/version');
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body.toString())).toEqual({ version: '9.9.9-test', metricsSource: 'scraper' });
    const stat = await request(port, '/api/stat?kind=deploy&namespace=demo');
    expect(JSON.parse(stat.body.toString()).rows[0]).toMatchObject({
      resource: { name: 'a' },
      runningPods: 1,
    });
    const bad = await request(port, '/api/stat?kind=deploymnt');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error).toMatchObject({
      code: 'ERR_SKEIN_CONTROLLER_INVALID_QUERY',
      message: expect.stringMatching(/^kind: expected a resource kind/),
    });
  });

  it('forwards method, path, query and body, but never credentials or identity headers', async () => {
    const res = await request(peerDashboard.address.port, '/api/tap?x=1', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: 'session=secret',
        authorization: 'Bearer secret',
        'x-remote-user': 'admin',
        'x-remote-group': 'system:masters',
      },
      body: '{"target":{}}',
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-upstream']).toBe('yes');
    // Hop-by-hop headers stay on their hop.
    expect(res.headers['keep-alive']).toBeUndefined();
    expect(JSON.parse(res.body.toString())).toEqual({
      method: 'POST',
      url: '/api/tap?x=1',
      body: '{"target":{}}',
    });
    const seen = peer.seen.at(-1)!;
    expect(seen['content-type']).toBe('application/json');
    for (const h of ['cookie', 'authorization', 'x-remote-user', 'x-remote-group'])
      expect(seen[h]).toBeUndefined();
    expect(seen.host).toBe(`127.0.0.1:${peer.port}`);
  });

  it('streams rows as they come and ends the upstream request when the browser goes away', async () => {
    const before = peer.closedStreams;
    const first = await new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: peerDashboard.address.port, path: '/api/stream', agent: false },
        (res) => {
          res.once('data', (c: Buffer) => {
            resolve(c.toString());
            req.destroy();
          });
        },
      );
      req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
    });
    // The first row arrived while the upstream stream was still open: nothing was buffered.
    expect(first).toBe('{"n":1}\n');
    const deadline = Date.now() + 3000;
    while (peer.closedStreams === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(peer.closedStreams).toBe(before + 1);
  });

  it('answers 502 naming the controller address and where it came from when nothing listens', async () => {
    const res = await request(downDashboard.address.port, '/api/stat?kind=deploy');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toEqual({
      error: {
        code: 'ERR_SKEIN_WEB_CONTROLLER_UNREACHABLE',
        message:
          'cannot reach the Skein controller at http://127.0.0.1:1 (from SKEIN_WEB_API_ADDR): connection refused (ECONNREFUSED)',
        controller: 'http://127.0.0.1:1',
      },
    });
  });
});
