import { describe, expect, it } from 'vitest';
import { parseSuffixSet, SuffixSet } from '../../src/config/suffix-set.js';
import { ConfigError } from '../../src/errors/index.js';

describe('parseSuffixSet', () => {
  it('matches names on label boundaries, ignoring case and trailing dots', () => {
    const set = parseSuffixSet('svc.cluster.local.');
    expect(set.matches('web.default.svc.cluster.local')).toBe(true);
    expect(set.matches('web.default.svc.cluster.local.')).toBe(true);
    expect(set.matches('WEB.Default.SVC.cluster.LOCAL')).toBe(true);
    expect(set.matches('svc.cluster.local')).toBe(true);
    expect(set.matches('cluster.local')).toBe(false);
    expect(set.matches('websvc.cluster.local')).toBe(false);
    expect(set.matches('web.mysvc.cluster.local')).toBe(false);
    expect(set.matches('example.com')).toBe(false);
    expect(set.matches('')).toBe(false);
  });

  it('treats "." as matching every name', () => {
    const set = parseSuffixSet('svc.cluster.local.,.');
    expect(set.matches('example.com')).toBe(true);
    expect(set.matches('x')).toBe(true);
    expect(set.toString()).toBe('.,svc.cluster.local.');
  });

  it('normalises, dedupes and formats canonically', () => {
    const set = parseSuffixSet(' a.b.c. , a.b.c,mUlti.CasE.nAmE ,,');
    expect(set.suffixes).toEqual(['a.b.c', 'multi.case.name']);
    expect(set.toString()).toBe('a.b.c.,multi.case.name.');
    expect(parseSuffixSet('').size).toBe(0);
    expect(parseSuffixSet('').matches('anything')).toBe(false);
  });

  it.each([
    ['a .b.c', 'label'],
    ['a..b', 'empty label'],
    ['-a.b', 'label'],
    ['a-.b', 'label'],
    ['a.b/c', 'label'],
    ['*.example.com', 'label'],
    ['..', 'empty'],
    ['example.123', 'all digits'],
    [`${'a'.repeat(64)}.com`, 'label'],
    [Array.from({ length: 60 }, () => 'abcd').join('.'), 'characters long'],
  ])('refuses %j', (text, why) => {
    let caught: unknown;
    try {
      parseSuffixSet(text, 'LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.variable).toBe('LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES');
    expect(err.message).toContain(why);
  });

  it('builds from code', () => {
    expect(new SuffixSet(['Example.COM.']).matches('www.example.com')).toBe(true);
    expect(new SuffixSet(['.']).matches('x.y')).toBe(true);
  });
});
