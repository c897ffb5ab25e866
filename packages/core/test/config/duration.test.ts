import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { ConfigError } from '../../src/errors/index.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0ms', 0],
    ['1ms', 1],
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['0d', 0],
    ['010s', 10_000],
    [' 10s\t', 10_000],
    ['456789ms', 456_789],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'whitespace only'],
    ['1', 'a non-zero number without unit'],
    ['1.5s', 'a float'],
    ['.5s', 'a float without integer part'],
    ['-1s', 'a negative value'],
    ['+1s', 'a sign'],
    ['1 ms', 'a space before the unit'],
    ['1S', 'an upper-case unit'],
    ['12moons', 'an unknown unit'],
    ['12y', 'years'],
    ['1us', 'microseconds'],
    ['1h30m', 'compound durations'],
    ['s', 'a unit alone'],
    ['1e3ms', 'an exponent'],
    ['0x10s', 'hex'],
    ['123456789012345678901234567890ms', 'overflow'],
    ['9007199254740992ms', 'one past MAX_SAFE_INTEGER'],
    ['104249991375d', 'days overflowing a safe integer'],
    ['１s', 'full-width digits'],
  ])('refuses %j (%s) with a ConfigError naming the variable', (text) => {
    let caught: unknown;
    try {
      parseDuration(text, 'LINKERD2_PROXY_METRICS_RETAIN_IDLE');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.code).toBe('ERR_SKEIN_CONFIG');
    expect(err.variable).toBe('LINKERD2_PROXY_METRICS_RETAIN_IDLE');
    expect(err.value).toBe(text);
    expect(err.message).toContain('LINKERD2_PROXY_METRICS_RETAIN_IDLE=');
    expect(err.message).toContain(JSON.stringify(text));
    expect(err.expected).toMatch(/ms, s, m, h or d/);
  });

  it('accepts the largest safe value', () => {
    expect(parseDuration('9007199254740991ms')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0'],
    [1, '1ms'],
    [1500, '1500ms'],
    [90_000, '90s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
    [86_400_000, '1d'],
    [90 * 60_000, '90m'],
  ])('formats %d as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %d', (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError);
  });
});
