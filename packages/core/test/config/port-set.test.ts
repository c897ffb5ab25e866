import { describe, expect, it } from 'vitest';
import { PortSet, parsePortSet } from '../../src/config/port-set.js';
import { ConfigError } from '../../src/errors/index.js';

describe('parsePortSet', () => {
  it('parses single ports and ranges', () => {
    const set = parsePortSet('80,8080-8090');
    expect(set.has(80)).toBe(true);
    expect(set.has(8080)).toBe(true);
    expect(set.has(8085)).toBe(true);
    expect(set.has(8090)).toBe(true);
    expect(set.has(8091)).toBe(false);
    expect(set.has(81)).toBe(false);
    expect(set.size).toBe(12);
    expect([...set]).toEqual([80, 8080, 8081, 8082, 8083, 8084, 8085, 8086, 8087, 8088, 8089, 8090]);
    expect(set.toString()).toBe('80,8080-8090');
  });

  it('covers the whole port space', () => {
    const set = parsePortSet('1-65535');
    expect(set.size).toBe(65535);
    expect(set.has(1)).toBe(true);
    expect(set.has(65535)).toBe(true);
    expect(set.has(0)).toBe(false);
    expect(set.toString()).toBe('1-65535');
  });

  it('sorts, merges overlapping and adjacent ranges, and dedupes', () => {
    expect(parsePortSet('40,30,20,1').toString()).toBe('1,20,30,40');
    expect(parsePortSet('1-5,3-8,9,20,20').toString()).toBe('1-9,20');
    expect(parsePortSet('25,587,3306,4444,5432,6379,9300,11211').ranges).toHaveLength(8);
  });

  it('ignores empty entries and surrounding whitespace as linkerd2-proxy does', () => {
    expect(parsePortSet('').size).toBe(0);
    expect(parsePortSet('').toString()).toBe('');
    expect(parsePortSet('1,,,,2').toString()).toBe('1-2');
    expect(parsePortSet('1, 2,\t3- 5').toString()).toBe('1-5');
    expect(parsePortSet(' , ').size).toBe(0);
  });

  it('answers false for values that are not ports', () => {
    const set = parsePortSet('1-65535');
    for (const v of [-1, 65536, 80.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(set.has(v)).toBe(false);
  });

  it.each([
    ['asdf', 'is not a port'],
    ['80, 443, http', 'is not a port'],
    ['80,http-443', 'is not a port'],
    ['3000,5000-6000,mysql', 'is not a port'],
    ['80-79', 'start > end'],
    ['1,2,5-2', 'start > end'],
    ['-1', 'is not a port'],
    ['1,2-,50', 'is not a port'],
    ['69420', 'is not a port'],
    ['1-69420', 'is not a port'],
    ['0', 'is not a port'],
    ['0-10', 'is not a port'],
    ['1-2-3', 'is not a port'],
    ['+80', 'is not a port'],
    ['8 0', 'is not a port'],
    ['80.0', 'is not a port'],
    ['99999999999999999999', 'is not a port'],
  ])('refuses %j', (text, why) => {
    let caught: unknown;
    try {
      parsePortSet(text, 'LINKERD2_PROXY_INBOUND_PORTS');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.variable).toBe('LINKERD2_PROXY_INBOUND_PORTS');
    expect(err.value).toBe(text);
    expect(err.message).toContain(why);
    expect(err.message).toContain('80,8080-8090');
  });
});

describe('PortSet', () => {
  it('refuses invalid ranges given in code', () => {
    expect(() => new PortSet([{ start: 5, end: 4 }])).toThrow(RangeError);
    expect(() => new PortSet([{ start: 1, end: 70000 }])).toThrow(RangeError);
    expect(() => new PortSet([{ start: 1.5, end: 2 }])).toThrow(RangeError);
  });

  it('is empty by default', () => {
    const set = new PortSet();
    expect(set.size).toBe(0);
    expect([...set]).toEqual([]);
    expect(set.has(80)).toBe(false);
  });
});
