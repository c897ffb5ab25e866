import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { allocatePort } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadGenerator } from '../../src/soak/load-generator-process.ts';
import type { LoadPlan } from '../../src/soak/load-plan.ts';

const STALL_MS = 400;

function plan(origin: string, overrides: Partial<LoadPlan> = {}): LoadPlan {
  return {
    rps: 200,
    durationMs: 3_000,
    warmupMs: 0,
    streams: [{ name: 'server', origin, host: 'soak.test' }],
    connections: 16,
    timeoutMs: 5_000,
    bodyBytes: 16,
    progressMs: 1_000,
    windows: 3,
    ...overrides,
  };
}

describe('the soak load generator (its own process, open loop)', () => {
  let server: http.Server;
  let origin: string;
  let first = 0;
  let stalled = false;

  beforeAll(async () => {
    const body = Buffer.alloc(16, 'x');
    server = http.createServer((req, res) => {
      const now = performance.now();
      if (first === 0) first = now;
      // Once, 1 s into the run, the server stops answering for STALL_MS (its event loop blocked).
      if (!stalled && now - first >= 1_000) {
        stalled = true;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS);
      }
      req.resume();
      res.writeHead(200, { 'content-length': 16 });
      res.end(body);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
  });

  it('keeps sending on schedule during a stall and charges the queueing to every request due in it', async () => {
    const { result } = await startLoadGenerator(plan(origin));
    const [s] = (await result).streams;
    expect(stalled).toBe(true);
    expect(s).toMatchObject({ scheduled: 600, ok: 600, failed: 0 });
    // A closed-loop client would have sent nothing while waiting and seen one slow request; open
    // loop, the requests due during the stall waited for it too, so the tail of that second of
    // the run is the stall, not one outlier.
    expect(s!.latency.max).toBeGreaterThanOrEqual(STALL_MS * 0.8);
    const [before, during] = s!.windows;
    expect(during!.p99).toBeGreaterThanOrEqual(STALL_MS * 0.6);
    expect(before!.max).toBeLessThan(STALL_MS * 0.6);
    expect(s!.achievedRps).toBeGreaterThan(190);
  });

  it('counts every request to a closed port as failed, by kind, and nothing as answered', async () => {
    const port = await allocatePort();
    const { result } = await startLoadGenerator(
      plan(`http://127.0.0.1:${port}`, { rps: 50, durationMs: 1_000, timeoutMs: 1_000 }),
    );
    const [s] = (await result).streams;
    expect(s).toMatchObject({ scheduled: 50, ok: 0, failed: 50 });
    expect(Object.keys(s!.failures).join()).toMatch(/ECONNREFUSED/);
    expect(s!.latency.count).toBe(0);
  });
});
