import { staticTapPolicy, TapAggregator, type TapEventRecord } from '@skein/tap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ControllerServer,
  inventoryTapResolver,
  ProxyScraper,
  type StatRow,
  scrapeTargets,
  startControllerServer,
} from '../src/index.js';
import { type DemoMesh, startDemoMesh } from './support/demo-mesh.js';

let mesh: DemoMesh;
let scraper: ProxyScraper;
let api: ControllerServer;
let base: string;
// Frozen after the last scrape, so every query of a test reads the same window: rates are
// extrapolated to the window's end, and two queries a few ms apart would otherwise differ.
let frozenAt: number | undefined;

beforeAll(async () => {
  mesh = await startDemoMesh();
  scraper = new ProxyScraper({
    targets: () => scrapeTargets(mesh.inventory),
    now: () => frozenAt ?? Date.now(),
  });
  api = await startControllerServer({
    inventory: mesh.inventory,
    metrics: scraper,
    metricsSourceName: 'scraper',
    tap: new TapAggregator({
      resolver: inventoryTapResolver(mesh.inventory),
      policy: staticTapPolicy({ users: ['alice'] }),
    }),
    trustRemoteUserHeaders: true,
    version: '0.1.0-test',
    listen: { host: '127.0.0.1', port: 0 },
  });
  base = `http://127.0.0.1:${api.address.port}`;
  await scraper.scrape();
  const { web, api: apiStatuses } = await mesh.load(100);
  expect(web.every((s) => s === 200)).toBe(true);
  expect(apiStatuses.filter((s) => s === 500)).toHaveLength(10);
  await new Promise((r) => setTimeout(r, 50));
  await scraper.scrape();
  frozenAt = Date.now();
});

afterAll(async () => {
  await api?.close();
  await mesh?.close();
});

/** The API's JSON answers, as the tests read them. */
interface ApiBody {
  rows: StatRow[] & { src: { name: string }; dst: { name: string }; secured: boolean; noTlsReason: string }[];
  error: { code: string; message: string };
  openapi: string;
  paths: Record<string, unknown>;
}

async function getJson(path: string): Promise<{ status: number; body: ApiBody }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as ApiBody };
}

const row = (rows: StatRow[], name: string) => rows.find((r) => r.resource.name === name)!;

describe('controller API over the built-in scraper and real proxies', () => {
  it('answers stat per deployment with meshed counts, success rate, rps and latency', async () => {
    const { status, body } = await getJson('/api/stat?kind=deploy&namespace=demo&window=1m');
    expect(status).toBe(200);
    const rows = body.rows;
    expect(rows.map((r) => r.resource.name)).toEqual(['api', 'client', 'web']);
    const apiRow = row(rows, 'api');
    expect(apiRow.measuredFrom).toBe('outbound');
    expect(apiRow.stats!.successRate).toBeCloseTo(0.9, 5);
    expect(apiRow.stats!.requestRate).toBeGreaterThan(0);
    expect(apiRow.stats!.latencyMs.p50).toBeGreaterThan(0);
    expect(apiRow.stats!.latencyMs.p99).toBeGreaterThanOrEqual(apiRow.stats!.latencyMs.p50!);
    const web = row(rows, 'web');
    expect(web.stats!.successRate).toBe(1);
    expect(web.meshedPods).toBe(0);
    expect(web.runningPods).toBe(2);
    // Equal numbers of requests went to web and api.
    expect(web.stats!.requestRate).toBeCloseTo(apiRow.stats!.requestRate, 5);
    const client = row(rows, 'client');
    expect(client.meshedPods).toBe(1);
    expect(client.stats).toBeNull();
  });

  it('answers stat --from, per service, per pod and per authority', async () => {
    const from = (await getJson('/api/stat?kind=deploy&namespace=demo&fromKind=deploy&fromName=client')).body
      .rows;
    expect(row(from, 'api').stats!.successRate).toBeCloseTo(0.9, 5);
    const svc = (await getJson('/api/stat?kind=svc&namespace=demo')).body.rows;
    expect(row(svc, 'web').stats!.successRate).toBe(1);
    const pods = (await getJson('/api/stat?kind=po&namespace=demo')).body.rows;
    // The balancer may favour one endpoint: what matters is that the pods add up to the service.
    const w0 = row(pods, 'web-0').stats?.requestRate ?? 0;
    const w1 = row(pods, 'web-1').stats?.requestRate ?? 0;
    expect(w0 + w1).toBeGreaterThan(0);
    // The same series, extrapolated over the same window: the pods add up to the service.
    const svcRate = row(svc, 'web').stats!.requestRate;
    expect(w0 + w1).toBeCloseTo(svcRate, 9);
    const au = (await getJson('/api/stat?kind=au&namespace=demo')).body.rows;
    expect(au.map((r) => r.resource.name)).toEqual([
      'api.demo.svc.cluster.local:80',
      'web.demo.svc.cluster.local:80',
    ]);
    const to = (await getJson('/api/stat?kind=deploy&namespace=demo&name=client&toKind=deploy&toName=api'))
      .body.rows;
    expect(row(to, 'client').stats!.successRate).toBeCloseTo(0.9, 5);
  });

  it('answers edges with the TLS state of each', async () => {
    const { body } = await getJson('/api/edges?kind=deploy&namespace=demo');
    const edges = body.rows as {
      src: { name: string };
      dst: { name: string };
      secured: boolean;
      noTlsReason: string;
    }[];
    expect(edges.map((e) => `${e.src.name}>${e.dst.name}`).sort()).toEqual(['client>api', 'client>web']);
    expect(edges[0]!.secured).toBe(false);
    expect(edges[0]!.noTlsReason).toBe('not_provided_by_service_discovery');
  });

  it('refuses bad parameters and unknown resources with errors that name them', async () => {
    const bad = await getJson('/api/stat?kind=deploymnt&namespace=demo');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ERR_SKEIN_CONTROLLER_INVALID_QUERY');
    expect(bad.body.error.message).toMatch(/^kind: expected a resource kind.*got "deploymnt"$/);
    expect((await getJson('/api/stat?kind=deploy&window=5x')).body.error.message).toMatch(/^window:/);
    expect((await getJson('/api/stat?kind=deploy&nmespace=demo')).body.error.message).toMatch(
      /nmespace: expected no such parameter/,
    );
    const missing = await getJson('/api/stat?kind=deploy&namespace=demo&name=nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('deployment/nope not found in namespace demo');
  });

  it('serves its OpenAPI description and passes proxy metrics through', async () => {
    const doc = await getJson('/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/stat');
    const res = await fetch(`${base}/api/pods/demo/client-0/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^request_total\{direction="outbound"/m);
    const unmeshed = await getJson('/api/pods/demo/web-0/metrics');
    expect(unmeshed.status).toBe(404);
    expect(unmeshed.body.error.message).toMatch(/not meshed/);
  });

  it('streams tap events for live requests as NDJSON, and refuses callers the policy denies', async () => {
    const denied = await fetch(`${base}/api/tap`, {
      method: 'POST',
      headers: { 'x-remote-user': 'mallory' },
      body: JSON.stringify({ target: { kind: 'deploy', namespace: 'demo', name: 'client' } }),
    });
    expect(denied.status).toBe(403);
    const unknown = await fetch(`${base}/api/tap`, {
      method: 'POST',
      headers: { 'x-remote-user': 'alice' },
      body: JSON.stringify({ target: { kind: 'deploy', namespace: 'demo', name: 'nope' } }),
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ApiBody).error.message).toMatch(
      /deployment\/nope in namespace demo not found/,
    );

    // Linkerd's APIService path names the target in the URL; a body target must agree.
    const linkerdPath = `${base}/apis/tap.linkerd.io/v1alpha1/watch/namespaces/demo/deployments/nope/tap`;
    const byPath = await fetch(linkerdPath, {
      method: 'POST',
      headers: { 'x-remote-user': 'alice' },
      body: '{}',
    });
    expect(byPath.status).toBe(404);
    const mismatch = await fetch(linkerdPath, {
      method: 'POST',
      headers: { 'x-remote-user': 'alice' },
      body: JSON.stringify({ target: { kind: 'deploy', namespace: 'demo', name: 'client' } }),
    });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as ApiBody).error.message).toMatch(
      /^target: expected the resource the URL names/,
    );

    const controller = new AbortController();
    const res = await fetch(`${base}/api/tap`, {
      method: 'POST',
      headers: { 'x-remote-user': 'alice' },
      body: JSON.stringify({
        target: { kind: 'deploy', namespace: 'demo', name: 'client' },
        path: '/api/',
        maxRps: 50,
      }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const events: TapEventRecord[] = [];
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          events.push(JSON.parse(buffered.slice(0, nl)));
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
        }
        if (events.filter((e) => e.type === 'responseEnd').length >= 5) return;
      }
    })();
    for (let i = 0; i < 40 && events.filter((e) => e.type === 'responseEnd').length < 5; i++) {
      while (mesh.proxy.tap.active === false) await new Promise((r) => setTimeout(r, 10));
      await mesh.load(2);
    }
    await reading;
    controller.abort();
    const req = events.find((e) => e.type === 'requestInit')!;
    expect(req.direction).toBe('outbound');
    expect(req.proxy).toBe('demo/client-0');
    expect(req.requestInit!.authority).toBe('api.demo.svc.cluster.local');
    expect(req.requestInit!.path).toMatch(/^\/api\/vote\?i=\d+$/);
    expect(req.destination.labels).toMatchObject({ deployment: 'api', pod: 'api-0', tls: 'no_identity' });
    expect(req.source.labels).toMatchObject({ deployment: 'client', pod: 'client-0' });
    expect(events.some((e) => e.requestInit?.path.startsWith('/web'))).toBe(false);
    const end = events.find(
      (e) => e.type === 'responseEnd' && e.id.stream === req.id.stream && e.id.base === req.id.base,
    )!;
    expect(end.responseEnd!.responseBytes).toBeGreaterThan(0);
    const rsp = events.find((e) => e.type === 'responseInit')!;
    expect([200, 500]).toContain(rsp.responseInit!.status);
  });
});
