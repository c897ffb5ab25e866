import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllProcesses, recordReliability, waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../support/fault-backend.js';
import { FixedRateLoad, probe } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';
import { writeDiscoveryFile } from '../support/fault-static.js';

// The skein-proxy executable gets SIGTERM (a pod being deleted) while it carries steady traffic
// and slow requests: what it accepted must finish, new connections must be refused, and it must
// exit 0 within LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD.
const GRACE_MS = 5000;
const SLOW_MS = 1500;
const SLOW_REQUESTS = 10;
const RATE = 200;
const AUTHORITY = 'web.sigterm.test';
const SLACK_MS = 3000;

let dir: string;
let backend: Backend;
let proxy: ProxyProcess;

/** Resolves with the error code of a fresh TCP connection attempt, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-sigterm-'));
  backend = await startBackend({ name: 'web', delayMs: 25, pathDelays: { '/slow': SLOW_MS } });
  const file = join(dir, 'discovery.yaml');
  writeDiscoveryFile(file, { [`${AUTHORITY}:80`]: [{ address: backend.address }] });
  proxy = await startProxyProcess({
    SKEIN_PROXY_DISCOVERY_FILE: file,
    LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD: `${GRACE_MS}ms`,
  });
});

afterAll(async () => {
  await proxy?.close();
  await closeAllProcesses();
  await backend?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('skein-proxy receives SIGTERM under load', () => {
  it('finishes in-flight requests, refuses new connections and exits 0 within the grace period', async () => {
    const port = proxy.addresses.outbound[0]!.port;
    const load = new FixedRateLoad({
      origin: proxy.outboundUrl,
      host: AUTHORITY,
      rate: RATE,
      connections: 8,
    });
    try {
      load.start();
      await waitFor(() => load.okCount() > RATE, { timeoutMs: 20_000, what: 'steady traffic' });
      const slow = Array.from({ length: SLOW_REQUESTS }, () =>
        probe(proxy.outboundUrl, AUTHORITY, '/slow', GRACE_MS + SLACK_MS * 2),
      );
      await waitFor(() => backend.inFlight >= SLOW_REQUESTS, { what: 'the slow requests at the backend' });

      const sigtermAt = performance.now();
      process.kill(proxy.process.pid, 'SIGTERM');
      // New connections are refused while the slow requests are still being served.
      const refusal = await waitFor(
        async () => ((await tryConnect(port)) === 'ECONNREFUSED' ? performance.now() : undefined),
        { timeoutMs: GRACE_MS, intervalMs: 10, what: 'new connections to be refused' },
      );
      expect(backend.inFlight).toBeGreaterThan(0);

      const slowResults = await Promise.all(slow);
      for (const r of slowResults) {
        expect(r.status, JSON.stringify(r)).toBe(200);
        expect(r.backend).toBe('web');
      }
      const exit = await proxy.process.exited;
      const exitedAfterMs = performance.now() - sigtermAt;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(exitedAfterMs).toBeLessThan(GRACE_MS + SLACK_MS);
      const report = await load.stop();

      // In flight means accepted and forwarded by the proxy: every request that reached the
      // application got its response. No request got an error status from the proxy. Requests
      // the proxy had not taken yet (queued in the client, or written to a keep-alive connection
      // as the proxy closed it) get no response, and never reach the application: HTTP/1 lets
      // the client retry those elsewhere.
      const seenButFailed = report.outcomes.filter(
        (o) => backend.seenIds.has(String(o.id)) && o.status !== 200,
      );
      expect(seenButFailed, JSON.stringify(seenButFailed.slice(0, 5))).toHaveLength(0);
      const errorStatuses = report.outcomes.filter((o) => o.status !== undefined && o.status !== 200);
      expect(errorStatuses, JSON.stringify(errorStatuses.slice(0, 5))).toHaveLength(0);
      const forwardedInFlight = report.outcomes.filter(
        (o) => backend.seenIds.has(String(o.id)) && o.doneAt > sigtermAt,
      ).length;
      const served = report.outcomes.filter((o) => o.status === 200).length;
      const notServed = report.outcomes.filter((o) => o.status === undefined);
      const notServedEarly = notServed.filter((o) => o.sentAt < sigtermAt).length;

      const slowest = Math.max(...slowResults.map((r) => r.elapsedMs));
      const errors = Object.entries(report.statuses)
        .filter(([k]) => k !== '200')
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      recordReliability({
        suite: 'fault',
        id: 'proxy-sigterm-under-load',
        scenario: `skein-proxy gets SIGTERM under ${RATE} rps with ${SLOW_REQUESTS} requests of ${SLOW_MS / 1000} s in flight; LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD=${GRACE_MS / 1000}s`,
        expected:
          'requests in flight (forwarded by the proxy) finish with their response; no error status; new connections are refused at once; exit code 0 within the grace period',
        measured: `${SLOW_REQUESTS} slow and ${forwardedInFlight} other forwarded requests in flight at SIGTERM, all answered 200 (slowest ${Math.round(slowest)} ms); new connections refused ${Math.round(refusal - sigtermAt)} ms after SIGTERM; exit 0 after ${(exitedAfterMs / 1000).toFixed(2)} s; ${served.toLocaleString('en-US')} requests served, ${notServed.length} not taken by the proxy got no response (${errors}; ${notServedEarly} of them issued just before SIGTERM) and never reached the application; 0 error statuses`,
        passed: true,
      });
    } finally {
      await load.close();
    }
  });
});
