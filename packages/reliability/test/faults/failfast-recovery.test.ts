import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocatePort, closeAllProcesses, recordReliability, waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, startBackend } from '../support/fault-backend.js';
import { type ProbeResult, probe } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';
import { writeDiscoveryFile } from '../support/fault-static.js';

// Several services whose only backend is down (connections refused) long enough for the proxy to
// enter failfast, then come back. Each must be served again once its backend listens.
const SERVICES = 8;
const FAILFAST_MS = 2000; // LINKERD2_PROXY_OUTBOUND_HTTP_FAILFAST_TIMEOUT
// Longer than failfast, so requests waiting for the endpoint's next connect attempt fail fast.
const BACKOFF_MAX_MS = 4000; // LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_MAX
const SLACK_MS = 3000;
const authority = (i: number) => `down-${i}.failfast.test:80`;

let dir: string;
let proxy: ProxyProcess;
const ports: number[] = [];
const revived: Backend[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-failfast-'));
  const authorities: Record<string, Array<{ address: string }>> = {};
  for (let i = 0; i < SERVICES; i++) {
    ports.push(await allocatePort());
    authorities[authority(i)] = [{ address: `127.0.0.1:${ports[i]}` }];
  }
  const file = join(dir, 'discovery.yaml');
  writeDiscoveryFile(file, authorities);
  proxy = await startProxyProcess({
    SKEIN_PROXY_DISCOVERY_FILE: file,
    LINKERD2_PROXY_OUTBOUND_HTTP_FAILFAST_TIMEOUT: `${FAILFAST_MS}ms`,
    LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_MIN: '100ms',
    LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_MAX: `${BACKOFF_MAX_MS}ms`,
  });
});

afterAll(async () => {
  await proxy?.close();
  await closeAllProcesses();
  await Promise.all(revived.map((b) => b.kill()));
  rmSync(dir, { recursive: true, force: true });
});

describe('failfast', () => {
  it('ends for every service once its backend is back', async () => {
    const host = (i: number) => authority(i).replace(/:80$/, '');
    // Each service is driven into failfast on its own, all at once: refused (502) until the
    // backoff outgrows the failfast timeout, then failfast (504).
    const whileDown = await Promise.all(
      Array.from({ length: SERVICES }, async (_, i) => {
        const seen: ProbeResult[] = [];
        while (seen.length < 12 && !seen.some((r) => r.status === 504)) {
          seen.push(await probe(proxy.outboundUrl, host(i)));
        }
        return seen;
      }),
    );
    for (const seen of whileDown) {
      for (const r of seen) {
        expect([502, 504], JSON.stringify(r)).toContain(r.status);
        expect(r.elapsedMs).toBeLessThan(FAILFAST_MS + SLACK_MS);
      }
      expect(seen.at(-1)!.status, 'failfast reached').toBe(504);
      expect(seen.at(-1)!.proxyError).toMatch(/failfast/);
    }
    const backAt = performance.now();
    for (let i = 0; i < SERVICES; i++) {
      revived.push(await startBackend({ name: `down-${i}`, port: ports[i]! }));
    }
    // Ample: the next connect attempt of each endpoint is at most one backoff away.
    const deadline = BACKOFF_MAX_MS * 1.1 + FAILFAST_MS + 15_000;
    const recovered = await Promise.all(
      Array.from({ length: SERVICES }, async (_, i) => {
        const served = await waitFor(
          async () => {
            const r = await probe(proxy.outboundUrl, host(i));
            return r.status === 200 ? r : undefined;
          },
          { timeoutMs: deadline, intervalMs: 50, what: `${host(i)} served again` },
        ).catch(() => undefined);
        return {
          service: host(i),
          backend: served?.backend,
          afterMs: Math.round(performance.now() - backAt),
        };
      }),
    );
    const stuck = recovered.filter((r) => r.backend === undefined).map((r) => r.service);
    expect(stuck, `services still failing ${Math.round(deadline)} ms after their backend came back`).toEqual(
      [],
    );
    for (const [i, r] of recovered.entries()) expect(r.backend).toBe(`down-${i}`);
    const recoveredMs = recovered.map((r) => r.afterMs);
    recordReliability({
      suite: 'fault',
      id: 'failfast-recovery',
      scenario: `${SERVICES} services whose only backend refuses connections until the proxy is in failfast (failfast ${FAILFAST_MS} ms, connect backoff up to ${BACKOFF_MAX_MS} ms), then comes back`,
      expected:
        '502 (refused) then 504 (failfast) while down; every service served again once its backend listens',
      measured: `while down, per service: ${whileDown.map((s) => s.map((r) => r.status).join(' ')).join(' | ')}; served again ${Math.min(...recoveredMs)}–${Math.max(...recoveredMs)} ms after the backends came back`,
      passed: true,
    });
  });
});
