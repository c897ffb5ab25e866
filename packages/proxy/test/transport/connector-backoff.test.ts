import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tcpConnector } from '../../src/transport/connector.js';
import {
  backoffDelayMs,
  EndpointBackoffError,
  INBOUND_RECONNECT_BACKOFF,
  OUTBOUND_RECONNECT_BACKOFF,
  ReconnectBackoff,
  withReconnectBackoff,
} from '../../src/transport/connector-backoff.js';

function fakeClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('backoffDelayMs', () => {
  it('doubles from min and caps at max (no jitter)', () => {
    const policy = { minMs: 100, maxMs: 1_000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelayMs(policy, n, 0.99))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000,
    ]);
  });

  it('adds up to jitter × base, never past max', () => {
    expect(backoffDelayMs(OUTBOUND_RECONNECT_BACKOFF, 1, 0.5)).toBe(105);
    expect(backoffDelayMs(OUTBOUND_RECONNECT_BACKOFF, 3, 0.999)).toBeCloseTo(439.96, 5);
    expect(backoffDelayMs(OUTBOUND_RECONNECT_BACKOFF, 30, 0.999)).toBe(60_000);
    expect(backoffDelayMs(INBOUND_RECONNECT_BACKOFF, 30, 0.5)).toBe(10_000);
  });

  it('stays within [base, min(max, base × (1 + jitter))] for any inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (minMs, extra, jitter, failures, random) => {
          const policy = { minMs, maxMs: minMs + extra, jitter };
          const base = Math.min(policy.maxMs, minMs * 2 ** Math.min(failures - 1, 1024));
          const d = backoffDelayMs(policy, failures, random);
          expect(d).toBeGreaterThanOrEqual(base);
          expect(d).toBeLessThanOrEqual(Math.min(policy.maxMs, base * (1 + jitter)) + 1e-9);
        },
      ),
    );
  });
});

describe('ReconnectBackoff', () => {
  it('uses linkerd2-proxy defaults', () => {
    expect(OUTBOUND_RECONNECT_BACKOFF).toEqual({ minMs: 100, maxMs: 60_000, jitter: 0.1 });
    expect(INBOUND_RECONNECT_BACKOFF).toEqual({ minMs: 100, maxMs: 10_000, jitter: 0.1 });
    expect(new ReconnectBackoff().policy).toEqual(OUTBOUND_RECONNECT_BACKOFF);
  });

  it('is not ready while backing off after a failure, and ready again when the delay passes', () => {
    const clock = fakeClock();
    const b = new ReconnectBackoff(
      { minMs: 100, maxMs: 10_000, jitter: 0.1 },
      { now: clock.now, random: () => 0.5 },
    );
    expect(b.isReady()).toBe(true);
    expect(b.recordFailure()).toBe(105);
    expect(b.isReady()).toBe(false);
    expect(b.readyInMs()).toBe(105);
    clock.advance(104);
    expect(b.isReady()).toBe(false);
    clock.advance(1);
    expect(b.isReady()).toBe(true);
    expect(b.readyInMs()).toBe(0);
    expect(b.recordFailure()).toBe(210);
    expect(b.recordFailure()).toBe(420);
    expect(b.failures).toBe(3);
    b.recordSuccess();
    expect(b.isReady()).toBe(true);
    expect(b.failures).toBe(0);
    expect(b.recordFailure()).toBe(105);
  });

  it('rejects invalid policies naming the field', () => {
    expect(() => new ReconnectBackoff({ minMs: 0, maxMs: 10, jitter: 0 })).toThrow(/backoff\.minMs=0/);
    expect(() => new ReconnectBackoff({ minMs: 10, maxMs: 5, jitter: 0 })).toThrow(/backoff\.maxMs=5/);
    expect(() => new ReconnectBackoff({ minMs: 10, maxMs: 50, jitter: -1 })).toThrow(/backoff\.jitter=-1/);
    expect(() => new ReconnectBackoff({ minMs: 10, maxMs: 50, jitter: Number.NaN })).toThrow(
      /backoff\.jitter/,
    );
  });
});

describe('withReconnectBackoff', () => {
  it('fails fast while backing off after a refused connect, then retries and resets on success', async () => {
    const clock = fakeClock();
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const backoff = new ReconnectBackoff({ minMs: 100, maxMs: 1_000, jitter: 0 }, { now: clock.now });
    const connect = withReconnectBackoff(
      tcpConnector({ host: '127.0.0.1', port, timeoutMs: 1_000 }),
      backoff,
    );

    await expect(connect()).rejects.toMatchObject({ code: 'ERR_SKEIN_CONNECT' });
    expect(backoff.isReady()).toBe(false);
    const fast = await connect().catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(EndpointBackoffError);
    expect(fast).toMatchObject({ code: 'ERR_SKEIN_ENDPOINT_BACKOFF', retryInMs: 100 });
    expect(backoff.failures).toBe(1);

    // The endpoint comes back; once the delay has passed the next connect goes through.
    const revived = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => revived.listen(port, '127.0.0.1', resolve));
    try {
      clock.advance(100);
      const socket = await connect();
      socket.destroy();
      expect(backoff.failures).toBe(0);
      expect(backoff.isReady()).toBe(true);
    } finally {
      await new Promise<void>((resolve) => revived.close(() => resolve()));
    }
  });
});
