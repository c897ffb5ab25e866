import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStaticDiscovery } from '@skein/discovery';
import {
  type RunningDestinationServer,
  StaticDestinationBackend,
  serveDestination,
} from '@skein/discovery/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyConfig } from '../src/config/proxy-config.js';
import { SkeinProxy } from '../src/proxy.js';
import { getVia } from './support/mesh.js';

// A proxy resolving through a running destination service (static backend) that serves
// ServiceProfiles: route timeouts, retries under the budget, route metrics, traffic splits.
describe('ServiceProfiles through the destination service', () => {
  let app: http.Server;
  let canary: http.Server;
  let destination: RunningDestinationServer;
  let proxy: SkeinProxy;
  let flakyCalls = 0;
  let canaryHits = 0;

  beforeAll(async () => {
    app = http.createServer((req, res) => {
      if (req.url?.startsWith('/slow')) {
        setTimeout(() => res.end('late'), 500);
        return;
      }
      if (req.url?.startsWith('/flaky')) {
        // Fails every other call: a retry always recovers it.
        flakyCalls++;
        res.statusCode = flakyCalls % 2 === 1 ? 503 : 200;
        res.end(res.statusCode === 200 ? 'ok' : 'try again');
        return;
      }
      res.end(`app ${req.headers['l5d-dst-canonical']}`);
    });
    app.listen(0, '127.0.0.1');
    canary = http.createServer((_req, res) => {
      canaryHits++;
      res.end('canary');
    });
    canary.listen(0, '127.0.0.1');
    await Promise.all([once(app, 'listening'), once(canary, 'listening')]);
    const appPort = (app.address() as AddressInfo).port;
    const canaryPort = (canary.address() as AddressInfo).port;
    const discovery = parseStaticDiscovery(`
authorities:
  web.shop.svc.cluster.local:80:
    labels: { namespace: shop, service: web }
    endpoints: [ { address: "127.0.0.1:${appPort}" } ]
  split.shop.svc.cluster.local:80:
    endpoints: [ { address: "127.0.0.1:${appPort}" } ]
  split-canary.shop.svc.cluster.local:80:
    endpoints: [ { address: "127.0.0.1:${canaryPort}" } ]
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: web.shop.svc.cluster.local, namespace: shop }
    spec:
      routes:
        - name: slow
          condition: { method: GET, pathRegex: /slow }
          timeout: 100ms
        - name: flaky
          condition: { method: GET, pathRegex: /flaky.* }
          isRetryable: true
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s }
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: split.shop.svc.cluster.local, namespace: shop }
    spec:
      routes: []
      dstOverrides:
        - { authority: split.shop.svc.cluster.local:80, weight: "0" }
        - { authority: split-canary.shop.svc.cluster.local:80, weight: "1" }
`);
    destination = await serveDestination({
      backend: new StaticDestinationBackend({ discovery }),
      address: '127.0.0.1:0',
    });
    proxy = await SkeinProxy.start({
      config: readProxyConfig({
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
        LINKERD2_PROXY_DESTINATION_SVC_ADDR: `127.0.0.1:${destination.port}`,
        LINKERD2_PROXY_DESTINATION_CONTEXT: '{"ns":"shop","nodeName":"n1","pod":"client-0"}',
      }),
    });
  });

  afterAll(async () => {
    await proxy?.shutdown(500);
    await destination?.close(100);
    app?.close();
    canary?.close();
  });

  const outbound = () => proxy.addresses.outbound[0]!.port;

  async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const v = await fn();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('resolves endpoints through the destination service and marks l5d-dst-canonical', async () => {
    const res = await eventually(
      () => getVia(outbound(), '127.0.0.1', 'http://web.shop.svc.cluster.local/'),
      (r) => r.body === 'app web.shop.svc.cluster.local:80',
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('app web.shop.svc.cluster.local:80');
  });

  it('fails a request past its route timeout with 504', async () => {
    const res = await getVia(outbound(), '127.0.0.1', 'http://web.shop.svc.cluster.local/slow');
    expect(res.status).toBe(504);
    expect(res.headers['l5d-proxy-error']).toMatch(/response timeout \(100ms\)/);
  });

  it('retries a retryable route within the budget so a flaky backend recovers', async () => {
    const results = [];
    for (let i = 0; i < 20; i++)
      results.push(
        (await getVia(outbound(), '127.0.0.1', `http://web.shop.svc.cluster.local/flaky/${i}`)).status,
      );
    expect(results.every((s) => s === 200)).toBe(true);
    // Every other upstream call failed, so there were about twice as many calls as requests.
    expect(flakyCalls).toBeGreaterThanOrEqual(39);
  });

  it('exports route metrics with dst and rt_route labels', async () => {
    const metrics = await getVia(proxy.addresses.admin.port, '127.0.0.1', 'http://admin/metrics');
    expect(metrics.body).toMatch(
      /route_request_total\{direction="outbound",dst="web\.shop\.svc\.cluster\.local:80",rt_route="flaky"\} 20/,
    );
    expect(metrics.body).toMatch(
      /route_response_total\{direction="outbound",dst="web\.shop\.svc\.cluster\.local:80",rt_route="flaky",status_code="200",classification="success"/,
    );
    expect(metrics.body).toMatch(
      /route_actual_request_total\{direction="outbound",dst="web\.shop\.svc\.cluster\.local:80",rt_route="flaky"\} (39|4\d)/,
    );
    expect(metrics.body).toMatch(
      /route_retryable_total\{direction="outbound",dst="web\.shop\.svc\.cluster\.local:80",rt_route="flaky"\} \d+/,
    );
    expect(metrics.body).toMatch(
      /route_response_total\{direction="outbound",dst="web\.shop\.svc\.cluster\.local:80",rt_route="slow",status_code="504",classification="failure"/,
    );
  });

  it('splits traffic by dst_overrides weights', async () => {
    await eventually(
      () => getVia(outbound(), '127.0.0.1', 'http://split.shop.svc.cluster.local/'),
      (r) => r.body === 'canary',
    );
    const before = canaryHits;
    for (let i = 0; i < 10; i++) {
      expect((await getVia(outbound(), '127.0.0.1', 'http://split.shop.svc.cluster.local/')).body).toBe(
        'canary',
      );
    }
    expect(canaryHits - before).toBe(10);
  });
});
