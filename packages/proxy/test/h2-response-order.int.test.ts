import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkeinProxy } from '../src/index.js';
import {
  identityName,
  startIdentityService,
  startMeshedProxy,
  type TestIdentityService,
} from './support/mesh.js';

// Between meshed proxies responses travel over HTTP/2, and a response's HEADERS and DATA often
// arrive in one read; node:http2 then hands the DATA over before the 'response' event. Every
// body must still arrive whole, after its head (found by the soak test: 0.16% empty bodies).
describe('HTTP/2 between proxies: bodies that arrive with their head', () => {
  let identity: TestIdentityService;
  let app: http.Server;
  let a: SkeinProxy;
  let b: SkeinProxy;
  const BODY = 'x'.repeat(1024);

  beforeAll(async () => {
    identity = await startIdentityService();
    app = http.createServer((_req, res) => {
      res.setHeader('content-length', BODY.length);
      res.end(BODY);
    });
    app.listen(0, '127.0.6.2');
    await once(app, 'listening');
    b = await startMeshedProxy({ ip: '127.0.6.2', namespace: 'demo', serviceAccount: 'api', identity });
    a = await startMeshedProxy({
      ip: '127.0.6.1',
      namespace: 'demo',
      serviceAccount: 'web',
      identity,
      discovery: `authorities:
  api.demo.svc.cluster.local:80:
    endpoints: [ { address: "127.0.6.2:${(app.address() as AddressInfo).port}", identity: ${identityName('demo', 'api')}, opaqueTransportPort: ${b.addresses.inbound.port}, protocolHint: h2 } ]
`,
    });
  });

  afterAll(async () => {
    await a?.shutdown(200);
    await b?.shutdown(200);
    app?.close();
    await identity?.close();
  });

  it('delivers every body whole over many concurrent connections', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const port = a.addresses.outbound[0]!.port;
    const get = () =>
      new Promise<string>((resolve) => {
        const req = http.get(
          {
            host: '127.0.6.1',
            port,
            path: '/',
            headers: { host: 'api.demo.svc.cluster.local' },
            agent,
            timeout: 5000,
          },
          (res) => {
            let body = '';
            res.setEncoding('latin1');
            res.on('data', (c: string) => {
              body += c;
            });
            res.on('end', () => resolve(body.length === BODY.length ? 'ok' : `short ${body.length}`));
            res.on('error', () => resolve('error'));
          },
        );
        req.on('timeout', () => {
          req.destroy();
          resolve('timeout');
        });
        req.on('error', () => resolve('error'));
      });
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 30; round++) {
      for (const o of await Promise.all(Array.from({ length: 64 }, get))) {
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
    }
    agent.destroy();
    expect(Object.fromEntries(outcomes)).toEqual({ ok: 64 * 30 });
  });
});
