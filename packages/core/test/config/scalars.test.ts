import { describe, expect, it } from 'vitest';
import { parseBool, parseEnum, parseFloatInRange, parseUint } from '../../src/config/scalars.js';
import { ConfigError } from '../../src/errors/index.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseBool', () => {
  it('parses true and false exactly', () => {
    expect(parseBool('true')).toBe(true);
    expect(parseBool('false')).toBe(false);
  });

  it.each(['', ' ', 'TRUE', 'True', ' true', '1', '0', 'yes', 'no', 'on'])('refuses %j', (text) => {
    const err = configError(() => parseBool(text, 'LINKERD2_PROXY_INGRESS_MODE'));
    expect(err.variable).toBe('LINKERD2_PROXY_INGRESS_MODE');
    expect(err.value).toBe(text);
    expect(err.expected).toBe('true or false');
  });
});

describe('parseUint', () => {
  it('parses digits within range', () => {
    expect(parseUint('0')).toBe(0);
    expect(parseUint('10000')).toBe(10000);
    expect(parseUint('007')).toBe(7);
    expect(parseUint('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseUint('5', 'X', { min: 1, max: 5 })).toBe(5);
  });

  it.each([
    ['', {}],
    [' ', {}],
    ['-1', {}],
    ['+1', {}],
    ['1.0', {}],
    ['1e3', {}],
    ['0x10', {}],
    ['1 000', {}],
    ['9007199254740992', {}],
    ['99999999999999999999999', {}],
    ['0', { min: 1 }],
    ['65536', { max: 65535 }],
  ])('refuses %j with range %j', (text, range) => {
    const err = configError(() => parseUint(text, 'LINKERD2_PROXY_INBOUND_HTTP_QUEUE_CAPACITY', range));
    expect(err.variable).toBe('LINKERD2_PROXY_INBOUND_HTTP_QUEUE_CAPACITY');
    expect(err.expected).toMatch(/^an unsigned integer in \d+–\d+$/);
  });
});

describe('parseFloatInRange', () => {
  it('parses decimal forms', () => {
    expect(parseFloatInRange('0.1')).toBe(0.1);
    expect(parseFloatInRange('1')).toBe(1);
    expect(parseFloatInRange('.5')).toBe(0.5);
    expect(parseFloatInRange('5.')).toBe(5);
    expect(parseFloatInRange('-2.5e-3')).toBe(-0.0025);
    expect(parseFloatInRange('1', 'X', { min: 0, max: 1 })).toBe(1);
  });

  it.each([
    ['', {}],
    ['.', {}],
    ['NaN', {}],
    ['inf', {}],
    ['Infinity', {}],
    ['1e999', {}],
    ['0x1', {}],
    ['1,5', {}],
    [' 1', {}],
    ['1.5.5', {}],
    ['1.1', { max: 1 }],
    ['-0.1', { min: 0 }],
  ])('refuses %j with range %j', (text, range) => {
    const err = configError(() =>
      parseFloatInRange(text, 'LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_JITTER', range),
    );
    expect(err.variable).toBe('LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_JITTER');
    expect(err.expected).toMatch(/^a decimal number/);
  });

  it('describes the range in the message', () => {
    expect(configError(() => parseFloatInRange('2', 'J', { min: 0, max: 1 })).expected).toBe(
      'a decimal number in 0–1',
    );
    expect(configError(() => parseFloatInRange('-1', 'J', { min: 0 })).expected).toBe('a decimal number ≥ 0');
  });
});

describe('parseEnum', () => {
  const policies = ['all-unauthenticated', 'all-authenticated', 'deny'] as const;

  it('returns the canonical value', () => {
    expect(parseEnum('deny', policies)).toBe('deny');
    expect(parseEnum('PLAIN', ['plain', 'json'], 'LOG_FORMAT', { ignoreCase: true })).toBe('plain');
  });

  it.each(['', 'Deny', 'allow', ' deny'])('refuses %j and lists the accepted values', (text) => {
    const err = configError(() => parseEnum(text, policies, 'LINKERD2_PROXY_INBOUND_DEFAULT_POLICY'));
    expect(err.variable).toBe('LINKERD2_PROXY_INBOUND_DEFAULT_POLICY');
    expect(err.expected).toBe('one of "all-unauthenticated", "all-authenticated", "deny"');
  });
});
