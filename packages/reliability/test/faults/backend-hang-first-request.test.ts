import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllProcesses, type KubeApiServer, recordReliability, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BadBackend, hangingBackend } from '../support/fault-bad-backends.js';
import {
  createNamespace,
  type DestinationProcess,
  serviceObject,
  serviceProfileObject,
  sliceObject,
  startDestinationProcess,
} from '../support/fault-kube.js';
import { probe } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';

// A service whose backend hangs from the start: the very first requests the proxy sees for it
// must already be bounded by the ServiceProfile's route timeout, as linkerd2-proxy resolves the
// profile before it routes a target's requests.
const ROUTE_TIMEOUT_MS = 500;
const SLACK_MS = 3000;
const AUTHORITY = 'frozen.faults.svc.cluster.local';

let dir: string;
let api: KubeApiServer;
let destination: DestinationProcess;
let proxy: ProxyProcess;
let frozen: BadBackend;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-hang-'));
  api = await startKubeApiServer({ preloadLinkerdCrds: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig);
  createNamespace(api, 'faults');
  frozen = await hangingBackend();
  api.store.create(serviceObject('faults', 'frozen', 80, frozen.port));
  api.store.create(sliceObject('faults', 'frozen', frozen.port, ['127.0.0.1']));
  api.store.create(serviceProfileObject('faults', 'frozen', { timeout: `${ROUTE_TIMEOUT_MS}ms` }));
  destination = await startDestinationProcess(kubeconfig);
  proxy = await startProxyProcess({ LINKERD2_PROXY_DESTINATION_SVC_ADDR: `127.0.0.1:${destination.port}` });
});

afterAll(async () => {
  await proxy?.close();
  await destination?.close();
  await closeAllProcesses();
  await frozen?.close();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a backend that hangs from the first request', () => {
  it('answers the first requests of a new target with 504 at the route timeout', async () => {
    // Client-side limit well above the route timeout, so a missing timeout shows as a hang.
    const first = await Promise.all(
      Array.from({ length: 5 }, () =>
        probe(proxy.outboundUrl, AUTHORITY, '/', ROUTE_TIMEOUT_MS + SLACK_MS * 2),
      ),
    );
    for (const r of first) {
      expect(r.status, JSON.stringify(r)).toBe(504);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(ROUTE_TIMEOUT_MS * 0.9);
      expect(r.elapsedMs).toBeLessThan(ROUTE_TIMEOUT_MS + SLACK_MS);
    }
    recordReliability({
      suite: 'fault',
      id: 'backend-hangs-first-request',
      scenario: `the first requests to a service whose backend hangs (the proxy has not used the service before); ServiceProfile route timeout ${ROUTE_TIMEOUT_MS} ms`,
      expected: '504 after the route timeout for every request, the first ones included',
      measured: first.map((r) => `${r.status} in ${Math.round(r.elapsedMs)} ms`).join(', '),
      passed: true,
    });
  });
});
