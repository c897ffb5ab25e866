import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allocatePort,
  closeAllProcesses,
  type KubeApiServer,
  recordReliability,
  startKubeApiServer,
  waitFor,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../support/fault-backend.js';
import {
  createNamespace,
  type DestinationProcess,
  serviceObject,
  sliceObject,
  startDestinationProcess,
} from '../support/fault-kube.js';
import { describeFailures, FixedRateLoad } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';

// Endpoint churn as a Deployment scaled up and down every second, with Kubernetes' graceful
// termination: a leaving pod is first taken out of its EndpointSlice, and its process stops only
// after a drain delay (a preStop sleep). New pods join the slice once they listen.
const NS = 'churn';
const AUTHORITY = 'api.churn.svc.cluster.local';
const RATE = 1000;
const TICKS = 12;
const TICK_MS = 1000;
const STEP = 2;
const DRAIN_MS = 2000;
const BACKEND_DELAY_MS = 5;

let dir: string;
let api: KubeApiServer;
let destination: DestinationProcess;
let proxy: ProxyProcess;
let port: number;
const all: Backend[] = [];

let nextIp = 1;
async function newBackend(): Promise<Backend> {
  const n = nextIp++;
  const b = await startBackend({ name: `p${n}`, host: `127.77.2.${n}`, port, delayMs: BACKEND_DELAY_MS });
  all.push(b);
  return b;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-churn-'));
  api = await startKubeApiServer({ preloadLinkerdCrds: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig);
  port = await allocatePort();
  createNamespace(api, NS);
  api.store.create(serviceObject(NS, 'api', 80, port));
  destination = await startDestinationProcess(kubeconfig);
  proxy = await startProxyProcess({ LINKERD2_PROXY_DESTINATION_SVC_ADDR: `127.0.0.1:${destination.port}` });
});

afterAll(async () => {
  await proxy?.close();
  await destination?.close();
  await closeAllProcesses();
  await Promise.all(all.map((b) => b.kill()));
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('endpoint churn under 1,000 rps', () => {
  it('fails no request while endpoints are added and gracefully removed every second', async () => {
    const serving: Backend[] = [];
    for (let i = 0; i < 3; i++) serving.push(await newBackend());
    const publish = () =>
      api.store.apply(
        sliceObject(
          NS,
          'api',
          port,
          serving.map((b) => b.host),
        ),
      );
    publish();
    const removedAt = new Map<Backend, number>();
    const stops: Promise<void>[] = [];
    const load = new FixedRateLoad({
      origin: proxy.outboundUrl,
      host: AUTHORITY,
      rate: RATE,
      connections: 64,
    });
    try {
      load.start();
      await waitFor(() => serving.every((b) => b.arrivals.length > 0), {
        timeoutMs: 20_000,
        what: 'traffic at the first three endpoints',
      });
      for (let tick = 0; tick < TICKS; tick++) {
        await sleep(TICK_MS);
        if (tick % 2 === 0) {
          // Scale up: the new pods listen first, then become ready in the slice.
          for (let i = 0; i < STEP; i++) serving.push(await newBackend());
          publish();
        } else {
          // Scale down: out of the slice first, the process stops after the drain delay.
          const leaving = serving.splice(0, STEP);
          publish();
          for (const b of leaving) {
            removedAt.set(b, performance.now());
            stops.push(sleep(DRAIN_MS).then(() => b.close()));
          }
        }
      }
      await sleep(TICK_MS);
      const report = await load.stop();
      await Promise.all(stops);

      expect(report.failed, describeFailures(report, all)).toBe(0);
      expect(report.total).toBeGreaterThanOrEqual(RATE * (TICKS + 1) * 0.95);
      // Every pod that was ever in the slice got traffic: scale-ups were picked up.
      for (const b of all) expect(b.arrivals.length, `requests at ${b.name}`).toBeGreaterThan(0);
      // Removal reached the proxy before the pods stopped (else requests would have failed):
      // the last request each removed pod saw, after its removal from the slice.
      const lastAfterRemoval = [...removedAt].map(([b, t]) => Math.max(0, b.arrivals.at(-1)! - t));
      const worstPropagation = Math.round(Math.max(...lastAfterRemoval));

      recordReliability({
        suite: 'fault',
        id: 'endpoint-churn',
        scenario: `endpoints of a Kubernetes service scaled up and down by ${STEP} every second for ${TICKS} s under ${RATE} rps through skein-destination and skein-proxy; removed pods leave the EndpointSlice first and stop after a ${DRAIN_MS / 1000} s drain delay`,
        expected:
          'zero failed requests; new endpoints get traffic; removed endpoints stop getting traffic before they stop',
        measured: `${report.failed} failed of ${report.total.toLocaleString('en-US')} requests (${Math.round(report.achievedRps)} rps) over ${all.length} pods (${removedAt.size} removed); last request at a removed pod ${worstPropagation} ms after its removal at worst; p99 ${report.latency.p99.toFixed(0)} ms`,
        passed: true,
      });
    } finally {
      await load.close();
    }
  });
});
