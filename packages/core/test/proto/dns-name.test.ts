import { describe, expect, it } from 'vitest';
import { isValidDnsName } from '../../src/proto/dns-name.js';

describe('isValidDnsName', () => {
  it.each([
    'a',
    'web.emojivoto.svc.cluster.local',
    'web.emojivoto.svc.cluster.local.',
    'x-1.y2',
    '10.0.0.1',
    `${'a'.repeat(63)}.com`,
    `${'a.'.repeat(126)}b`,
  ])('accepts %s', (name) => {
    expect(isValidDnsName(name)).toBe(true);
  });

  it.each([
    '',
    '.',
    'a..b',
    '.a',
    '-a',
    'a-',
    'a_b',
    'a b',
    'é.com',
    'a/b',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(126)}bc`,
    'a.b..',
  ])('rejects %j', (name) => {
    expect(isValidDnsName(name)).toBe(false);
  });
});
