import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyConfig } from '../src/config/proxy-config.js';
import { SkeinProxy } from '../src/proxy.js';
import { getVia, identityName, startIdentityService, startMeshedProxy } from './support/mesh.js';

describe('MAX_IN_FLIGHT and INBOUND_IPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-limits-'));
  const held: http.ServerResponse[] = [];
  let backend: http.Server;
  let proxy: SkeinProxy;

  beforeAll(async () => {
    backend = http.createServer((req, res) => {
      if (req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const file = join(dir, 'd.yaml');
    writeFileSync(
      file,
      `authorities:\n  web.limits:80:\n    endpoints: [ { address: "127.0.0.1:${(backend.address() as AddressInfo).port}" } ]\n`,
    );
    proxy = await SkeinProxy.start({
      config: readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_OUTBOUND_MAX_IN_FLIGHT: '1',
        SKEIN_PROXY_DISCOVERY_FILE: file,
      }),
    });
  });

  afterAll(async () => {
    for (const r of held) r.end();
    await proxy?.shutdown(100);
    backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sheds requests past the in-flight limit with 503 and counts them', async () => {
    const outbound = proxy.addresses.outbound[0]!.port;
    const first = getVia(outbound, '127.0.0.1', 'http://web.limits/hold');
    while (held.length === 0) await new Promise((r) => setTimeout(r, 10));
    const shed = await getVia(outbound, '127.0.0.1', 'http://web.limits/other');
    expect(shed.status).toBe(503);
    expect(shed.headers['l5d-proxy-error']).toMatch(/1 requests already in flight/);
    held.pop()!.end('released');
    expect((await first).status).toBe(200);
    // The slot is free again.
    expect((await getVia(outbound, '127.0.0.1', 'http://web.limits/other')).status).toBe(200);
    const metrics = await getVia(proxy.addresses.admin.port, '127.0.0.1', 'http://admin/metrics');
    expect(metrics.body).toContain('outbound_http_errors_total{error="loadshed"} 1');
  });

  it('serves meshed connections to one of INBOUND_IPS and closes those addressed to another IP', async () => {
    const identity = await startIdentityService();
    const app = http.createServer((_req, res) => res.end('app'));
    // Every "pod" IP: the inbound proxies forward to their own IP and the header's port.
    app.listen(0, '0.0.0.0');
    await once(app, 'listening');
    const appPort = (app.address() as AddressInfo).port;
    const pods: SkeinProxy[] = [];
    try {
      const pod = async (ip: string, inboundIps: string) => {
        const p = await startMeshedProxy({
          ip,
          namespace: 'demo',
          serviceAccount: `app-${ip.split('.').at(-1)}`,
          identity,
          env: { LINKERD2_PROXY_INBOUND_IPS: inboundIps },
        });
        pods.push(p);
        return p;
      };
      const right = await pod('127.0.5.1', '127.0.5.1');
      const wrong = await pod('127.0.5.2', '10.1.2.3');
      const ep = (p: SkeinProxy, ip: string) =>
        `{ address: "127.0.0.1:${appPort}", identity: ${identityName('demo', `app-${ip.split('.').at(-1)}`)}, opaqueTransportPort: ${p.addresses.inbound.port} }`;
      // The endpoints' IP is the app's (127.0.0.1); the transport goes to each pod's inbound IP.
      const client = await startMeshedProxy({
        ip: '127.0.5.3',
        namespace: 'demo',
        serviceAccount: 'client',
        identity,
        discovery: `authorities:
  right.demo:80:
    endpoints: [ ${ep(right, '127.0.5.1').replace('127.0.0.1:', '127.0.5.1:')} ]
  wrong.demo:80:
    endpoints: [ ${ep(wrong, '127.0.5.2').replace('127.0.0.1:', '127.0.5.2:')} ]
`,
      });
      pods.push(client);
      const outbound = client.addresses.outbound[0]!.port;
      expect((await getVia(outbound, '127.0.5.3', 'http://right.demo/')).status).toBe(200);
      expect((await getVia(outbound, '127.0.5.3', 'http://wrong.demo/')).status).toBe(502);
    } finally {
      for (const p of pods) await p.shutdown(100);
      app.close();
      await identity.close();
    }
  });

  it('never forwards a meshed peer to the proxy admin port (HTTP or opaque)', async () => {
    const identity = await startIdentityService();
    const pods: SkeinProxy[] = [];
    try {
      const target = await startMeshedProxy({
        ip: '127.0.5.11',
        namespace: 'demo',
        serviceAccount: 'target',
        identity,
        env: { LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED: 'true' },
      });
      pods.push(target);
      const admin = target.addresses.admin.port;
      const ep = (hint: string) =>
        `{ address: "127.0.5.11:${admin}", identity: ${identityName('demo', 'target')}, opaqueTransportPort: ${target.addresses.inbound.port}, protocolHint: ${hint} }`;
      const client = await startMeshedProxy({
        ip: '127.0.5.12',
        namespace: 'demo',
        serviceAccount: 'client',
        identity,
        discovery: `authorities:
  admin-http.demo:80:
    endpoints: [ ${ep('h2')} ]
  admin-opaque.demo:80:
    endpoints: [ ${ep('opaque')} ]
`,
      });
      pods.push(client);
      const outbound = client.addresses.outbound[0]!.port;
      const http = await getVia(outbound, '127.0.5.12', 'http://admin-http.demo/env.json');
      expect(http.status).not.toBe(200);
      expect(http.body).not.toContain('LINKERD2_PROXY');
      const opaque = await getVia(outbound, '127.0.5.12', 'http://admin-opaque.demo/env.json').catch(
        (err: Error) => ({ status: 0, body: err.message }),
      );
      expect(opaque.status).not.toBe(200);
      expect(opaque.body).not.toContain('LINKERD2_PROXY');
      // The admin server itself is still there for the pod's own loopback callers.
      expect((await getVia(admin, '127.0.5.11', 'http://admin/ready')).status).toBe(200);
    } finally {
      for (const p of pods) await p.shutdown(100);
      await identity.close();
    }
  });
});
