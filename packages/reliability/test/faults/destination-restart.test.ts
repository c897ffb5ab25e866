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

// A proxy resolving web.faults through skein-destination (a real process, on the test Kubernetes
// API server), under steady load, while the destination process is killed, the endpoints change
// behind its back, and it is started again.
const NS = 'faults';
const AUTHORITY = 'web.faults.svc.cluster.local';
const RATE = 300;
// Backends take as long as a real service, so requests are always in flight at every endpoint.
const BACKEND_DELAY_MS = 20;
const ips = ['127.77.1.1', '127.77.1.2', '127.77.1.3', '127.77.1.4'];

let dir: string;
let api: KubeApiServer;
let kubeconfig: string;
let destinationPort: number;
let destination: DestinationProcess;
let proxy: ProxyProcess;
const backends: Backend[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-dst-'));
  api = await startKubeApiServer({ preloadLinkerdCrds: true });
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig);
  const port = await allocatePort();
  for (const [i, ip] of ips.entries()) {
    backends.push(await startBackend({ name: `b${i + 1}`, host: ip, port, delayMs: BACKEND_DELAY_MS }));
  }
  createNamespace(api, NS);
  api.store.create(serviceObject(NS, 'web', 80, port));
  api.store.create(sliceObject(NS, 'web', port, ips.slice(0, 3)));
  destinationPort = await allocatePort();
  destination = await startDestinationProcess(kubeconfig, destinationPort);
  proxy = await startProxyProcess({ LINKERD2_PROXY_DESTINATION_SVC_ADDR: `127.0.0.1:${destinationPort}` });
});

afterAll(async () => {
  await proxy?.close();
  await destination?.close();
  await closeAllProcesses();
  await Promise.all(backends.map((b) => b.kill()));
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('destination service killed and restarted under load', () => {
  it('fails no request to unchanged endpoints, keeps the last state while down, and resyncs after restart', async () => {
    const [b1, b2, b3, b4] = backends as [Backend, Backend, Backend, Backend];
    const load = new FixedRateLoad({
      origin: proxy.outboundUrl,
      host: AUTHORITY,
      rate: RATE,
      connections: 16,
    });
    try {
      load.start();
      await waitFor(() => b1.arrivals.length > 0 && b2.arrivals.length > 0 && b3.arrivals.length > 0, {
        timeoutMs: 20_000,
        what: 'traffic at b1, b2 and b3',
      });
      await sleep(1000);

      await destination.kill();
      const killedAt = performance.now();
      // While the destination service is down, b3 leaves the service and b4 joins it.
      api.store.apply(sliceObject(NS, 'web', b1.port, [b1.host, b2.host, b4.host]));
      const b3Before = b3.arrivals.length;
      await sleep(2000);
      // The proxy cannot know yet: it keeps serving from the last state it had.
      expect(b4.arrivals.length).toBe(0);
      expect(b3.arrivals.length).toBeGreaterThan(b3Before);

      destination = await startDestinationProcess(kubeconfig, destinationPort);
      const restartedAt = performance.now();
      await waitFor(() => b4.arrivals.length > 0, {
        timeoutMs: 30_000,
        what: 'the new endpoint b4 to be reached',
      });
      const firstAtB4 = b4.arrivals[0]!;
      await sleep(1500);
      const report = await load.stop();

      // No request failed at the endpoints that stayed (b1, b2) or joined (b4) ...
      const failedElsewhere = report.outcomes.filter(
        (o) => o.status !== 200 && !b3.seenIds.has(String(o.id)),
      );
      expect(failedElsewhere.length, describeFailures(report, backends)).toBe(0);
      // ... nor at b3: it left the service but kept serving, as a pod does while it drains.
      expect(report.failed, describeFailures(report, backends)).toBe(0);
      expect(report.total).toBeGreaterThan(RATE * 4);
      // Every request issued after b4 was first reached went to the new set only.
      const lateAtB3 = report.outcomes.filter((o) => o.sentAt > firstAtB4 && o.backend === 'b3');
      expect(lateAtB3).toHaveLength(0);
      expect(report.byBackend.b1).toBeGreaterThan(0);
      expect(report.byBackend.b2).toBeGreaterThan(0);
      expect(report.byBackend.b4).toBeGreaterThan(0);

      const resyncMs = Math.round(firstAtB4 - restartedAt);
      const downMs = Math.round(restartedAt - killedAt);
      recordReliability({
        suite: 'fault',
        id: 'destination-restart-under-load',
        scenario: `skein-destination (Kubernetes backend) killed with SIGKILL under ${RATE} rps through skein-proxy; while it is down, one endpoint leaves the service and one joins; then it is restarted`,
        expected:
          'no failed request; the proxy keeps its last endpoint set while the service is down; after the restart the added endpoint gets traffic and the removed one none',
        measured: `${report.failed} failed of ${report.total.toLocaleString('en-US')} requests; destination down ${(downMs / 1000).toFixed(1)} s; resynced ${resyncMs} ms after the restart (new endpoint reached, nothing sent to the removed one afterwards); p99 ${report.latency.p99.toFixed(0)} ms`,
        passed: true,
      });
    } finally {
      await load.close();
    }
  });
});
