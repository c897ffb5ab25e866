import { ConfigError } from '@skein/core';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_HTTP2_CLIENT_SETTINGS,
  DEFAULT_HTTP2_SERVER_LIMITS,
  resolveHttp2ClientSettings,
  resolveHttp2ServerLimits,
  serverSessionOptions,
} from '../../src/http2/limits.js';
import { RapidResetGuard } from '../../src/http2/rapid-reset.js';
import { backoffDelay } from '../../src/http2/reconnect-backoff.js';

describe('HTTP/2 limits', () => {
  test('defaults follow linkerd2-proxy and Envoy: 100 streams, 64 KiB / 1 MiB windows', () => {
    const l = resolveHttp2ServerLimits();
    expect(l).toEqual(DEFAULT_HTTP2_SERVER_LIMITS);
    expect(l.maxConcurrentStreams).toBe(100);
    expect(l.initialStreamWindowSize).toBe(65_535);
    expect(l.initialConnectionWindowSize).toBe(1_048_576);
    expect(resolveHttp2ClientSettings()).toEqual(DEFAULT_HTTP2_CLIENT_SETTINGS);
    const opts = serverSessionOptions(l);
    expect(opts.settings).toMatchObject({
      maxConcurrentStreams: 100,
      initialWindowSize: 65_535,
      enablePush: false,
    });
    expect(opts.maxSessionMemory).toBe(10);
  });

  test('overrides are applied and checked', () => {
    expect(resolveHttp2ServerLimits({ maxConcurrentStreams: 10 }).maxConcurrentStreams).toBe(10);
    const err = (() => {
      try {
        resolveHttp2ServerLimits({ initialStreamWindowSize: 2 ** 31 });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      'invalid http2Server.initialStreamWindowSize="2147483648": expected an integer from 0 to 2147483647 (bytes)',
    );
    expect(() => resolveHttp2ServerLimits({ maxFrameSize: 100 })).toThrow(/maxFrameSize="100"/);
    expect(() => resolveHttp2ClientSettings({ initialConnectionWindowSize: 1.5 })).toThrow(ConfigError);
    expect(() => resolveHttp2ServerLimits({ bogus: 1 } as never)).toThrow(/http2Server.bogus/);
  });
});

describe('RapidResetGuard', () => {
  test('condemns a connection once premature resets reach the limit and exceed half the streams', () => {
    const g = new RapidResetGuard(100);
    let condemned = false;
    for (let i = 0; i < 100 && !condemned; i++) {
      g.opened();
      condemned = g.prematureReset();
    }
    expect(condemned).toBe(true);
    expect(g.prematureResets).toBe(100);
  });

  test('tolerates clients that cancel up to half their streams', () => {
    const g = new RapidResetGuard(100);
    for (let i = 0; i < 10_000; i++) {
      g.opened();
      if (i % 2 === 1) expect(g.prematureReset()).toBe(false);
    }
  });

  test('follows recent behaviour: a good history does not hide a later attack for long', () => {
    const g = new RapidResetGuard(100);
    for (let i = 0; i < 100_000; i++) g.opened();
    let streams = 0;
    let condemned = false;
    while (!condemned) {
      g.opened();
      streams++;
      condemned = g.prematureReset();
    }
    // Counters decay every 1,000 streams, so the attack is caught within a few thousand.
    expect(streams).toBeLessThan(3000);
  });
});

describe('backoffDelay', () => {
  test('doubles from the minimum, caps at the maximum, adds jitter', () => {
    const opts = { minMs: 100, maxMs: 1000, jitter: 0.1 };
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(opts, n, () => 0))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(opts, 1, () => 1)).toBe(110);
  });
});
