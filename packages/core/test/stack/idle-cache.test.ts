import { describe, expect, it } from 'vitest';
import { IdleCache } from '../../src/index.js';

describe('IdleCache', () => {
  it('builds once per key and evicts entries idle past the timeout', () => {
    let t = 0;
    let built = 0;
    const evicted: string[] = [];
    const cache = new IdleCache<{ authority: string }, string>({
      build: (target) => {
        built++;
        return `svc:${target.authority}`;
      },
      key: (target) => target.authority,
      idleMs: 100,
      onEvict: (_v, k) => evicted.push(k),
      now: () => t,
    });
    expect(cache.get({ authority: 'a' })).toBe('svc:a');
    expect(cache.get({ authority: 'a' })).toBe('svc:a');
    expect(cache.get({ authority: 'b' })).toBe('svc:b');
    expect(built).toBe(2);
    t = 80;
    cache.get({ authority: 'a' });
    t = 150;
    expect(cache.sweep()).toBe(1);
    expect(evicted).toEqual(['b']);
    expect(cache.size).toBe(1);
    t = 181;
    expect(cache.touch('a')).toBe(true);
    expect(cache.touch('b')).toBe(false);
    cache.clear();
    expect(evicted).toEqual(['b', 'a']);
  });

  it('never evicts with a non-positive timeout', () => {
    const cache = new IdleCache<string, string>({
      build: (s) => s,
      key: (s) => s,
      idleMs: 0,
      now: () => 1e12,
    });
    cache.get('x');
    expect(cache.sweep()).toBe(0);
    expect(cache.size).toBe(1);
  });

  it('keeps busy values however idle they look', () => {
    let t = 0;
    const busy = new Set(['a']);
    const cache = new IdleCache<string, string>({
      build: (s) => s,
      key: (s) => s,
      idleMs: 10,
      isBusy: (v) => busy.has(v),
      now: () => t,
    });
    cache.get('a');
    cache.get('b');
    t = 50;
    expect(cache.sweep()).toBe(1);
    expect(cache.size).toBe(1);
    busy.delete('a');
    t = 55;
    // 'a' counts as used when it was last seen busy (t=50), so it is evicted only 10 ms later.
    expect(cache.sweep()).toBe(0);
    t = 60;
    expect(cache.sweep()).toBe(1);
  });
});
