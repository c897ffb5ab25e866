import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyScraper, queryRoutes, StaticInventory, scrapeTargets } from '../src/index.js';

// A proxy admin endpoint whose route counters grow between scrapes, as a proxy's do when a
// ServiceProfile route is hit (the proxy's own route metrics are covered by its tests; here the
// subject is the controller's routes query over scraped series).
let requests = 0;
const server = http.createServer((_req, res) => {
  const ok = requests * 9;
  const fail = requests;
  const dst = 'dst="api.demo.svc.cluster.local:80"';
  res.end(
    [
      `route_response_total{direction="outbound",${dst},rt_route="vote",status_code="200",classification="success"} ${ok}`,
      `route_response_total{direction="outbound",${dst},rt_route="vote",status_code="500",classification="failure"} ${fail}`,
      `route_response_latency_ms_bucket{direction="outbound",${dst},rt_route="vote",le="1"} ${ok}`,
      `route_response_latency_ms_bucket{direction="outbound",${dst},rt_route="vote",le="10"} ${ok + fail}`,
      `route_response_latency_ms_bucket{direction="outbound",${dst},rt_route="vote",le="+Inf"} ${ok + fail}`,
      `route_response_total{direction="outbound",dst="web.demo.svc.cluster.local:80",rt_route="home",classification="success"} ${requests}`,
      '',
    ].join('\n'),
  );
});
let scraper: ProxyScraper;
let inventory: StaticInventory;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const admin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  inventory = new StaticInventory({
    pods: [
      {
        namespace: 'demo',
        name: 'client-0',
        ip: '127.0.0.1',
        labels: {},
        owner: { kind: 'deployment', name: 'client' },
        serviceAccount: 'client',
        meshed: true,
        proxy: { adminAddress: admin },
        tapEnabled: false,
        running: true,
      },
      {
        namespace: 'demo',
        name: 'api-0',
        ip: '127.0.0.2',
        labels: {},
        owner: { kind: 'deployment', name: 'api' },
        serviceAccount: 'api',
        meshed: false,
        tapEnabled: false,
        running: true,
      },
    ],
    services: [
      { namespace: 'demo', name: 'api', fqdn: 'api.demo.svc.cluster.local', ports: [80], pods: ['api-0'] },
    ],
    profiles: [{ namespace: 'demo', name: 'api.demo.svc.cluster.local', routes: ['vote', 'results'] }],
  });
  scraper = new ProxyScraper({ targets: () => scrapeTargets(inventory) });
  await scraper.scrape();
  requests = 10;
  await new Promise((r) => setTimeout(r, 20));
  await scraper.scrape();
});

afterAll(() => {
  server.close();
});

describe('queryRoutes', () => {
  it('reports each profile route of a service, measured by its meshed clients', async () => {
    const rows = await queryRoutes(inventory, scraper, {
      resource: { kind: 'service', namespace: 'demo', name: 'api' },
      windowMs: 60_000,
    });
    expect(rows.map((r) => r.route)).toEqual(['results', 'vote']);
    const vote = rows.find((r) => r.route === 'vote')!;
    expect(vote.authority).toBe('api.demo.svc.cluster.local:80');
    expect(vote.stats!.successRate).toBeCloseTo(0.9, 5);
    expect(vote.stats!.latencyMs.p50).toBeLessThanOrEqual(1);
    expect(rows.find((r) => r.route === 'results')!.stats).toBeNull();
  });

  it('with --to, only what the resource sent to the other', async () => {
    const rows = await queryRoutes(inventory, scraper, {
      resource: { kind: 'deployment', namespace: 'demo', name: 'client' },
      to: { kind: 'service', namespace: 'demo', name: 'api' },
      windowMs: 60_000,
    });
    expect(rows.find((r) => r.route === 'vote')!.stats!.requestRate).toBeGreaterThan(0);
    expect(rows.some((r) => r.route === 'home')).toBe(false);
  });
});
