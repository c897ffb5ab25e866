import { describe, expect, it } from 'vitest';
import { NetworkSet, parseNetwork, parseNetworkSet } from '../../src/config/network-set.js';
import { ConfigError } from '../../src/errors/index.js';

const LINKERD_DEFAULT = '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8';

describe('parseNetworkSet', () => {
  it('parses the injector default cluster networks', () => {
    const set = parseNetworkSet(LINKERD_DEFAULT);
    expect(set.size).toBe(5);
    expect(set.toString()).toBe(LINKERD_DEFAULT);
    for (const ip of [
      '10.0.0.1',
      '10.255.255.255',
      '100.64.0.1',
      '100.127.255.255',
      '172.16.0.1',
      '172.31.1.1',
    ]) {
      expect(set.contains(ip), ip).toBe(true);
    }
    for (const ip of ['192.168.1.1', 'fd00::1', 'fdff:ffff::1', '::ffff:10.1.2.3', '::ffff:192.168.0.1']) {
      expect(set.contains(ip), ip).toBe(true);
    }
    for (const ip of [
      '11.0.0.1',
      '100.128.0.1',
      '172.32.0.1',
      '192.169.0.1',
      'fe00::1',
      '::1',
      '::ffff:8.8.8.8',
    ]) {
      expect(set.contains(ip), ip).toBe(false);
    }
  });

  it('treats bare addresses as /32 and /128', () => {
    const set = parseNetworkSet('10.1.2.3,::1');
    expect(set.toString()).toBe('10.1.2.3/32,::1/128');
    expect(set.contains('10.1.2.3')).toBe(true);
    expect(set.contains('10.1.2.4')).toBe(false);
    expect(set.contains('::1')).toBe(true);
    expect(set.contains('::2')).toBe(false);
  });

  it('clears host bits and dedupes', () => {
    expect(parseNetworkSet('10.1.2.3/8,10.0.0.0/8').toString()).toBe('10.0.0.0/8');
    expect(parseNetwork('fd12:3456::1/16').address.words[0]).toBe(0xfd120000);
  });

  it('handles /0 and IPv6 prefixes crossing word boundaries', () => {
    expect(parseNetworkSet('0.0.0.0/0').contains('203.0.113.9')).toBe(true);
    expect(parseNetworkSet('0.0.0.0/0').contains('2001:db8::1')).toBe(false);
    expect(parseNetworkSet('::/0').contains('2001:db8::1')).toBe(true);
    const set = parseNetworkSet('2001:db8:0:0:8000::/65');
    expect(set.contains('2001:db8::8000:0:0:1')).toBe(true);
    expect(set.contains('2001:db8::7fff:0:0:1')).toBe(false);
  });

  it('matches IPv4-mapped addresses and ignores zones', () => {
    const set = parseNetworkSet('fe80::/10,127.0.0.0/8');
    expect(set.contains('fe80::1%eth0')).toBe(true);
    expect(set.contains('::ffff:127.0.0.1')).toBe(true);
    expect(set.contains('::FFFF:7f00:1')).toBe(true);
  });

  it('answers false for text that is not an IP', () => {
    const set = parseNetworkSet('0.0.0.0/0,::/0');
    for (const s of [
      '',
      'localhost',
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4',
      '256.1.1.1',
      ':::',
      '1::2::3',
      'g::1',
    ]) {
      expect(set.contains(s), s).toBe(false);
    }
  });

  it('ignores empty entries and whitespace around entries', () => {
    expect(parseNetworkSet('').size).toBe(0);
    expect(parseNetworkSet(' 10.0.0.0/8 , ,fd00::/8,').size).toBe(2);
  });

  it.each([
    'garbage',
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0/8',
    '10.0.0.256/32',
    '010.0.0.0/8',
    'fe80::1%eth0',
    '10.0.0.0 /8',
    '10.0.0.0/ 8',
    '[::1]/128',
    'fd00::/8x',
    '10.0.0.0/0008',
  ])('refuses %j with a ConfigError naming the variable and entry', (text) => {
    let caught: unknown;
    try {
      parseNetworkSet(`192.168.0.0/16,${text}`, 'LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.variable).toBe('LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS');
    expect(err.value).toBe(`192.168.0.0/16,${text}`);
    expect(err.message).toContain(JSON.stringify(text.trim()).slice(1, -1));
    expect(err.expected).toContain('10.0.0.0/8,fd00::/8');
  });

  it('builds from code and exposes networks in canonical order', () => {
    const set = new NetworkSet([
      parseNetwork('fd00::/8'),
      parseNetwork('10.0.0.0/8'),
      parseNetwork('1.0.0.0/8'),
    ]);
    expect(set.networks.map((n) => n.prefix)).toEqual([8, 8, 8]);
    expect(set.toString()).toBe('1.0.0.0/8,10.0.0.0/8,fd00::/8');
  });
});
