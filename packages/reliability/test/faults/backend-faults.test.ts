import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeAllProcesses,
  type KubeApiServer,
  recordReliability,
  startKubeApiServer,
  waitFor,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../support/fault-backend.js';
import {
  type BadBackend,
  type Blackhole,
  garbageBackend,
  resettingBackend,
  startBlackhole,
} from '../support/fault-bad-backends.js';
import {
  createNamespace,
  type DestinationProcess,
  serviceObject,
  serviceProfileObject,
  sliceObject,
  startDestinationProcess,
} from '../support/fault-kube.js';
import { describeFailures, FixedRateLoad, type ProbeResult, probe } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';

// Services whose only backend misbehaves, next to a healthy service under steady load, all
// resolved through skein-destination on the test Kubernetes API server. The proxy's timeouts:
const CONNECT_TIMEOUT_MS = 1000; // LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT
const FAILFAST_MS = 2000; // LINKERD2_PROXY_OUTBOUND_HTTP_FAILFAST_TIMEOUT
const ROUTE_TIMEOUT_MS = 500; // ServiceProfile route timeout of stuck.faults
// Room for a loaded machine above a timeout; the lower bounds show the proxy really waited.
const SLACK_MS = 3000;
const NS = 'faults';
const host = (svc: string) => `${svc}.${NS}.svc.cluster.local`;
const RATE = 200;

let dir: string;
let api: KubeApiServer;
let destination: DestinationProcess;
let proxy: ProxyProcess;
let healthy: Backend;
let stuck: Backend;
let reset: BadBackend;
let garbage: BadBackend;
let blackhole: Blackhole;
let load: FixedRateLoad;

function addService(name: string, port: number): void {
  api.store.create(serviceObject(NS, name, 80, port));
  api.store.create(sliceObject(NS, name, port, ['127.0.0.1']));
}

function range(results: readonly ProbeResult[]): string {
  const statuses = [...new Set(results.map((r) => r.status ?? r.error))].join('/');
  const times = results.map((r) => r.elapsedMs);
  return `${results.length} × ${statuses} in ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms`;
}

const many = (svc: string, n: number) =>
  Promise.all(Array.from({ length: n }, () => probe(proxy.outboundUrl, host(svc))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-backends-'));
  api = await startKubeApiServer({ preloadLinkerdCrds: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig);
  createNamespace(api, NS);
  healthy = await startBackend({ name: 'healthy', delayMs: 2 });
  stuck = await startBackend({ name: 'stuck' });
  reset = await resettingBackend();
  garbage = await garbageBackend();
  blackhole = await startBlackhole();
  addService('healthy', healthy.port);
  addService('stuck', stuck.port);
  api.store.create(serviceProfileObject(NS, 'stuck', { timeout: `${ROUTE_TIMEOUT_MS}ms` }));
  addService('reset', reset.port);
  addService('garbage', garbage.port);
  addService('blackhole', blackhole.port);
  destination = await startDestinationProcess(kubeconfig);
  proxy = await startProxyProcess({
    LINKERD2_PROXY_DESTINATION_SVC_ADDR: `127.0.0.1:${destination.port}`,
    LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT: `${CONNECT_TIMEOUT_MS}ms`,
    LINKERD2_PROXY_OUTBOUND_HTTP_FAILFAST_TIMEOUT: `${FAILFAST_MS}ms`,
  });
  load = new FixedRateLoad({ origin: proxy.outboundUrl, host: host('healthy'), rate: RATE }).start();
  await waitFor(() => load.okCount() > 20, { timeoutMs: 20_000, what: 'healthy traffic' });
});

afterAll(async () => {
  await load?.close();
  await proxy?.close();
  await destination?.close();
  await blackhole?.close();
  await closeAllProcesses();
  await Promise.all([reset?.close(), garbage?.close(), healthy?.kill(), stuck?.kill()]);
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('backends that hang, reset, answer garbage or never accept', () => {
  it('answers 504 at the route timeout when a backend starts hanging', async () => {
    // The service works and the proxy routes it by its ServiceProfile (route metrics appear) ...
    await waitFor(
      async () => {
        const ok = await probe(proxy.outboundUrl, host('stuck'));
        expect(ok.status).toBe(200);
        return (await proxy.metric('route_request_total', { dst: `${host('stuck')}:80` })) !== undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the ServiceProfile route of stuck.faults in use' },
    );
    // ... then its application deadlocks: requests are read and never answered.
    stuck.hanging = true;
    const hung = await many('stuck', 5);
    for (const r of hung) {
      expect(r.status, JSON.stringify(r)).toBe(504);
      expect(r.proxyError).toMatch(/timeout/);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(ROUTE_TIMEOUT_MS * 0.9);
      expect(r.elapsedMs).toBeLessThan(ROUTE_TIMEOUT_MS + SLACK_MS);
    }
    expect(stuck.inFlight).toBeGreaterThanOrEqual(5);
    recordReliability({
      suite: 'fault',
      id: 'backend-hangs',
      scenario: `the only backend of a service stops answering (reads requests, never responds); ServiceProfile route timeout ${ROUTE_TIMEOUT_MS} ms`,
      expected: `504 (l5d-proxy-error: response timeout) after the route timeout, not before`,
      measured: range(hung),
      passed: true,
    });
  });

  it('answers 502 at once for a backend that resets the connection or answers garbage', async () => {
    const resets = await many('reset', 5);
    const garbled = await many('garbage', 5);
    for (const r of [...resets, ...garbled]) {
      expect(r.status, JSON.stringify(r)).toBe(502);
      expect(r.elapsedMs).toBeLessThan(SLACK_MS);
    }
    expect(reset.connections).toBeGreaterThan(0);
    expect(garbage.connections).toBeGreaterThan(0);
    recordReliability({
      suite: 'fault',
      id: 'backend-resets-or-garbage',
      scenario:
        'the only backend of a service resets the connection (TCP RST) on every request, or answers bytes that are not HTTP',
      expected: '502 at once, the upstream connection dropped',
      measured: `reset: ${range(resets)}; garbage: ${range(garbled)}`,
      passed: true,
    });
  });

  it('answers 504 within the connect and failfast timeouts for a backend that never accepts', async () => {
    const results: ProbeResult[] = [];
    for (let i = 0; i < 3; i++) results.push(await probe(proxy.outboundUrl, host('blackhole')));
    for (const r of results) {
      expect(r.status, JSON.stringify(r)).toBe(504);
      expect(r.elapsedMs).toBeLessThan(CONNECT_TIMEOUT_MS + FAILFAST_MS + SLACK_MS);
    }
    // The first request waited for the connect timeout; later ones may be failed fast.
    expect(results[0]!.elapsedMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS * 0.9);
    expect(results[0]!.proxyError).toMatch(/timed out|timeout/);
    recordReliability({
      suite: 'fault',
      id: 'backend-never-accepts',
      scenario: `the only backend of a service never completes the TCP handshake (SYNs dropped); connect timeout ${CONNECT_TIMEOUT_MS} ms, failfast ${FAILFAST_MS} ms`,
      expected: '504 after the connect timeout, then 504 from failfast while the endpoint backs off',
      measured: `${results.map((r) => `${r.status} in ${Math.round(r.elapsedMs)} ms`).join(', ')} (sequential requests)`,
      passed: true,
    });
  });

  it('leaves the healthy service untouched meanwhile', async () => {
    const report = await load.stop();
    expect(report.failed, describeFailures(report, [healthy])).toBe(0);
    expect(report.byBackend.healthy).toBe(report.total);
    recordReliability({
      suite: 'fault',
      id: 'backend-unaffected-services',
      scenario: `a healthy service under ${RATE} rps through the same proxy while other services' backends hang, reset, answer garbage and drop SYNs`,
      expected: 'no failed request on the healthy service',
      measured: `${report.failed} failed of ${report.total.toLocaleString('en-US')} requests; p50 ${report.latency.p50.toFixed(1)} ms, p99 ${report.latency.p99.toFixed(1)} ms, max ${report.latency.max.toFixed(0)} ms`,
      passed: true,
    });
  });
});
