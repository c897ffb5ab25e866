import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from '../src/index.js';

describe('ExponentialBackoff', () => {
  it('doubles from min to max, adds up to `jitter` of each delay, and restarts on reset', () => {
    const zero = new ExponentialBackoff({ minMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => zero.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    zero.reset();
    expect(zero.next()).toBe(100);
    const top = new ExponentialBackoff({ minMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.999999 });
    expect(top.next()).toBeCloseTo(150, 3);
    expect(new ExponentialBackoff().next()).toBeGreaterThanOrEqual(100);
  });

  it('refuses impossible parameters', () => {
    expect(() => new ExponentialBackoff({ minMs: -1 })).toThrow(ConfigError);
    expect(() => new ExponentialBackoff({ minMs: 10, maxMs: 5 })).toThrow(/backoff.maxMs/);
    expect(() => new ExponentialBackoff({ jitter: 2 })).toThrow(/backoff.jitter/);
  });
});
