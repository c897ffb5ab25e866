import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { type Decoded, TapClient, type tap } from '@skein/core/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyConfig } from '../../src/config/proxy-config.js';
import { SkeinProxy } from '../../src/proxy.js';
import { getVia } from '../support/mesh.js';
import { nonLoopbackAddress } from '../support/non-loopback.js';

type TapEvent = Decoded<typeof tap.TapEvent>;

describe('the proxy serves Tap.Observe on its control port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-tap-'));
  let backend: http.Server;
  let proxy: SkeinProxy;
  const clients: TapClient[] = [];
  const held: http.ServerResponse[] = [];

  beforeAll(async () => {
    backend = http.createServer((req, res) => {
      if (req.url === '/slow') {
        held.push(res);
        return;
      }
      res.statusCode = req.url === '/teapot' ? 418 : 200;
      res.end('tapped body');
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const file = join(dir, 'd.yaml');
    writeFileSync(
      file,
      `authorities:\n  web.tapped:80:\n    labels: { service: web }\n    endpoints: [ { address: "127.0.0.1:${(backend.address() as AddressInfo).port}", labels: { pod: web-0 } } ]\n`,
    );
    proxy = await SkeinProxy.start({
      config: readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_CONTROL_LISTEN_ADDR: '0.0.0.0:0',
        LINKERD2_PROXY_TAP_SVC_NAME: 'tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
        SKEIN_PROXY_DISCOVERY_FILE: file,
      }),
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy.shutdown(500);
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function observe(host: string, request: object): Promise<TapEvent[]> {
    const c = new TapClient(`${host}:${proxy.addresses.control!.port}`, credentials.createInsecure());
    clients.push(c);
    const call = c.observe(request, new Metadata());
    const events: TapEvent[] = [];
    return new Promise((resolve, reject) => {
      call.on('data', (e: TapEvent) => events.push(e));
      call.on('error', reject);
      call.on('end', () => resolve(events));
    });
  }

  it('streams request, response and end events of live requests, up to the limit', async () => {
    const done = observe('127.0.0.1', { limit: 2, match: { http: { path: { prefix: '/t' } } } });
    while (!proxy.tap.active) await new Promise((r) => setTimeout(r, 10));
    const outbound = proxy.addresses.outbound[0]!.port;
    await getVia(outbound, '127.0.0.1', 'http://web.tapped/ignored');
    await getVia(outbound, '127.0.0.1', 'http://web.tapped/teapot');
    await getVia(outbound, '127.0.0.1', 'http://web.tapped/two');
    const events = await done;
    const kinds = events.map((e) => e.http?.event);
    expect(kinds).toEqual([
      'requestInit',
      'responseInit',
      'responseEnd',
      'requestInit',
      'responseInit',
      'responseEnd',
    ]);
    expect(events[0]!.http?.requestInit?.path).toBe('/teapot');
    expect(events[0]!.http?.requestInit?.authority).toBe('web.tapped');
    expect(events[0]!.proxyDirection).toBe(2);
    expect(events[0]!.destinationMeta?.labels).toMatchObject({ pod: 'web-0', service: 'web' });
    expect(events[1]!.http?.responseInit?.httpStatus).toBe(418);
    expect(Number(events[2]!.http?.responseEnd?.responseBytes)).toBe('tapped body'.length);
  });

  it('reports an outbound request as soon as its endpoint is chosen, before the response', async () => {
    const c = new TapClient(`127.0.0.1:${proxy.addresses.control!.port}`, credentials.createInsecure());
    clients.push(c);
    const call = c.observe({ limit: 1, match: { http: { path: { exact: '/slow' } } } }, new Metadata());
    const events: TapEvent[] = [];
    call.on('data', (e: TapEvent) => events.push(e));
    const ended = new Promise((resolve, reject) => {
      call.on('end', resolve);
      call.on('error', reject);
    });
    while (!proxy.tap.active) await new Promise((r) => setTimeout(r, 10));
    const response = getVia(proxy.addresses.outbound[0]!.port, '127.0.0.1', 'http://web.tapped/slow');
    while (events.length === 0) await new Promise((r) => setTimeout(r, 10));
    // The backend still holds the response: only the request has been seen.
    expect(held).toHaveLength(1);
    expect(events.map((e) => e.http?.event)).toEqual(['requestInit']);
    expect(events[0]!.destinationMeta?.labels).toMatchObject({ pod: 'web-0' });
    held.pop()!.end('late');
    expect((await response).status).toBe(200);
    await ended;
    expect(events.map((e) => e.http?.event)).toEqual(['requestInit', 'responseInit', 'responseEnd']);
  });

  it('gives each request of an HTTP/2 connection its own tap id (the stream id)', async () => {
    const done = observe('127.0.0.1', { limit: 2, match: { http: { path: { prefix: '/h2-' } } } });
    while (!proxy.tap.active) await new Promise((r) => setTimeout(r, 10));
    const session = http2.connect(`http://127.0.0.1:${proxy.addresses.outbound[0]!.port}`);
    try {
      for (const path of ['/h2-one', '/h2-two']) {
        const req = session.request({ ':path': path, ':authority': 'web.tapped' });
        req.resume();
        await once(req, 'end');
      }
    } finally {
      session.close();
    }
    const inits = (await done).filter((e) => e.http?.event === 'requestInit');
    expect(inits.map((e) => e.http?.requestInit?.path)).toEqual(['/h2-one', '/h2-two']);
    const ids = inits.map((e) => e.http?.requestInit?.id);
    expect(ids[0]!.base).toEqual(ids[1]!.base);
    expect(ids.map((id) => Number(id!.stream))).toEqual([1, 3]);
  });

  it('rejects a zero limit', async () => {
    await expect(observe('127.0.0.1', { limit: 0 })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('refuses callers that are neither on loopback nor the tap service', async () => {
    const { address, cleanup } = nonLoopbackAddress();
    try {
      await expect(observe(address, { limit: 1 })).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    } finally {
      cleanup();
    }
  });
});
