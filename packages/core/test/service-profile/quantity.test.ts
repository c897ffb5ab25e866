import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import {
  canonicalQuantity,
  parseQuantity,
  quantityCeilValue,
  quantityMilliValue,
} from '../../src/service-profile/quantity.js';

describe('canonicalQuantity', () => {
  it.each([
    ['0.5', '500m'],
    ['1', '1'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['12000', '12k'],
    ['1500', '1500'],
    ['100M', '100M'],
    ['1000k', '1M'],
    ['0.0001', '100u'],
    ['64Mi', '64Mi'],
    ['256Mi', '256Mi'],
    ['1024Ki', '1Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1000Mi', '1000Mi'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0', '0'],
    ['-0.5', '-500m'],
    ['+2', '2'],
    ['.5', '500m'],
    ['1n', '1n'],
    ['0.1n', '1n'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it('accepts YAML numbers', () => {
    expect(canonicalQuantity(0.5)).toBe('500m');
    expect(canonicalQuantity(2)).toBe('2');
  });

  it('prints binary values below 1Ki in decimal form', () => {
    expect(canonicalQuantity('0.5Ki')).toBe('512');
  });

  it.each(['', 'abc', '1.2.3', '5Q', '1e', 'Mi', '1 Mi', '1e99'])('refuses %j naming the field', (bad) => {
    let err: unknown;
    try {
      parseQuantity(bad, 'proxy.resources.cpu.request');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('proxy.resources.cpu.request');
    expect((err as ConfigError).message).toContain('Kubernetes quantity');
  });
});

describe('quantity values', () => {
  it('rounds up to whole units and millis', () => {
    expect(quantityCeilValue(parseQuantity('500m'))).toBe(1n);
    expect(quantityCeilValue(parseQuantity('1500m'))).toBe(2n);
    expect(quantityCeilValue(parseQuantity('2'))).toBe(2n);
    expect(quantityMilliValue(parseQuantity('1'))).toBe(1000n);
    expect(quantityMilliValue(parseQuantity('0.5'))).toBe(500n);
    expect(quantityMilliValue(parseQuantity('1n'))).toBe(1n);
  });
});
