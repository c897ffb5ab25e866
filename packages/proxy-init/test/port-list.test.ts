import { ConfigError } from '@skein/core';
import { describe, expect, it } from 'vitest';
import { MULTIPORT_LIMIT, multiportGroups, parsePortList, parsePortNumbers } from '../src/port-list.js';

describe('parsePortList', () => {
  it('keeps order and duplicates across entries and comma lists, trimming blanks', () => {
    expect(parsePortList(['4191, 4190,,', '6000-8000', '4190'], 'f')).toEqual([
      { start: 4191, end: 4191 },
      { start: 4190, end: 4190 },
      { start: 6000, end: 8000 },
      { start: 4190, end: 4190 },
    ]);
    expect(parsePortList([], 'f')).toEqual([]);
    expect(parsePortList([''], 'f')).toEqual([]);
  });

  it.each([
    ['0', 'is not a port'],
    ['65536', 'is not a port'],
    ['80a', 'is not a port'],
    ['9000-8000', 'has start > end'],
    ['1-', 'is not a port'],
    ['1:2', 'is not a port'],
  ])('refuses %j naming the flag, the value and the problem', (text, problem) => {
    let err: unknown;
    try {
      parsePortList(['80', text], '--inbound-ports-to-ignore');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('--inbound-ports-to-ignore');
    expect((err as ConfigError).message).toContain(JSON.stringify(text));
    expect((err as ConfigError).message).toContain(problem);
  });
});

describe('parsePortNumbers', () => {
  it('takes numbers and comma lists', () => {
    expect(parsePortNumbers([9090, '9099, 80'], '-r')).toEqual([9090, 9099, 80]);
  });

  it('refuses ranges and bad ports', () => {
    expect(() => parsePortNumbers(['8000-8080'], '--ports-to-redirect')).toThrow(
      /--ports-to-redirect="8000-8080".*no ranges.*"8000-8080" is not a port/,
    );
    expect(() => parsePortNumbers([0], '--ports-to-redirect')).toThrow(ConfigError);
  });
});

describe('multiportGroups', () => {
  const singles = (n: number, from = 1000) =>
    Array.from({ length: n }, (_, i) => ({ start: from + i, end: from + i }));

  it('fits exactly 15 singles in one group and starts another on the 16th', () => {
    expect(multiportGroups(singles(15)).map((g) => g.length)).toEqual([15]);
    expect(multiportGroups(singles(16)).map((g) => g.length)).toEqual([15, 1]);
    expect(MULTIPORT_LIMIT).toBe(15);
  });

  it('moves a range that would pass the limit to the next group', () => {
    const groups = multiportGroups([...singles(14), { start: 2000, end: 2010 }]);
    expect(groups).toEqual([singles(14).map((p) => String(p.start)), ['2000:2010']]);
  });

  it('never passes the limit, for any mix', () => {
    const mix = Array.from({ length: 100 }, (_, i) =>
      i % 3 === 0 ? { start: i + 1, end: i + 5 } : { start: i + 1, end: i + 1 },
    );
    const groups = multiportGroups(mix);
    for (const g of groups) {
      const weight = g.reduce((n, p) => n + (p.includes(':') ? 2 : 1), 0);
      expect(weight).toBeLessThanOrEqual(15);
    }
    expect(groups.flat()).toHaveLength(100);
  });

  it('gives no group for no ports', () => {
    expect(multiportGroups([])).toEqual([]);
  });
});
