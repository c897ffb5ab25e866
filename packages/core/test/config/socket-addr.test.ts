import { describe, expect, it } from 'vitest';
import {
  formatAddr,
  isLoopback,
  parseAddr,
  parseSocketAddr,
  parseSocketAddrList,
} from '../../src/config/socket-addr.js';
import { ConfigError } from '../../src/errors/index.js';

describe('parseSocketAddr', () => {
  it.each([
    ['127.0.0.1:4140', { host: '127.0.0.1', port: 4140, family: 'ipv4' }],
    ['0.0.0.0:4143', { host: '0.0.0.0', port: 4143, family: 'ipv4' }],
    ['[::1]:4140', { host: '::1', port: 4140, family: 'ipv6' }],
    ['[::]:4191', { host: '::', port: 4191, family: 'ipv6' }],
    ['[0:0:0:0:0:0:0:1]:80', { host: '::1', port: 80, family: 'ipv6' }],
    ['[::ffff:10.0.0.1]:80', { host: '::ffff:10.0.0.1', port: 80, family: 'ipv6' }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0, family: 'ipv4' }],
    ['127.0.0.1:65535', { host: '127.0.0.1', port: 65535, family: 'ipv4' }],
  ])('parses %j', (text, want) => {
    expect(parseSocketAddr(text)).toEqual(want);
  });

  it.each([
    ['', 'port is missing'],
    ['   ', 'port is missing'],
    [':4191', 'use 0.0.0.0:4191 or [::]:4191'],
    ['127.0.0.1', 'port is missing'],
    ['127.0.0.1:', 'port must be'],
    ['127.0.0.1:65536', 'port must be'],
    ['127.0.0.1:-1', 'port must be'],
    ['127.0.0.1:99999999999999999999', 'port must be'],
    ['127.0.0.1: 80', 'port must be'],
    [' 127.0.0.1:80', 'not an IP'],
    ['::1:4140', 'must be in brackets'],
    ['[::1:4140', 'bracketed IPv6'],
    ['[127.0.0.1]:80', 'bracketed IPv6'],
    ['[fe80::1%eth0]:80', 'bracketed IPv6'],
    ['localhost:4140', 'not an IP'],
    ['256.0.0.1:80', 'not an IP'],
  ])('refuses %j', (text, why) => {
    let caught: unknown;
    try {
      parseSocketAddr(text, 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.variable).toBe('LINKERD2_PROXY_ADMIN_LISTEN_ADDR');
    expect(err.value).toBe(text);
    expect(err.message).toContain(why);
    expect(err.message).toContain('IP:PORT');
  });
});

describe('parseAddr', () => {
  it('accepts DNS names, keeping a trailing dot', () => {
    expect(parseAddr('linkerd-dst-headless.linkerd.svc.cluster.local.:8086')).toEqual({
      host: 'linkerd-dst-headless.linkerd.svc.cluster.local.',
      port: 8086,
      family: 'dns',
    });
    expect(parseAddr('localhost:4191')).toEqual({ host: 'localhost', port: 4191, family: 'dns' });
    expect(parseAddr('10.1.1.1:80').family).toBe('ipv4');
  });

  it.each([
    ['bad_host!:80', 'not a DNS name'],
    ['a..b:80', 'empty label'],
    [`${'a'.repeat(64)}.svc:80`, 'label'],
    [`${Array.from({ length: 64 }, () => 'abc').join('.')}:80`, 'characters long'],
    ['10.0.0.256:80', 'all digits'],
    ['name:port', 'port must be'],
    ['name', 'port is missing'],
  ])('refuses %j', (text, why) => {
    expect(() => parseAddr(text, 'LINKERD2_PROXY_DESTINATION_SVC_ADDR')).toThrow(why);
    expect(() => parseAddr(text, 'LINKERD2_PROXY_DESTINATION_SVC_ADDR')).toThrow(ConfigError);
  });
});

describe('parseSocketAddrList', () => {
  it('parses one or two addresses', () => {
    expect(parseSocketAddrList('127.0.0.1:4140')).toHaveLength(1);
    expect(parseSocketAddrList('127.0.0.1:4140,[::1]:4140').map(formatAddr)).toEqual([
      '127.0.0.1:4140',
      '[::1]:4140',
    ]);
  });

  it('refuses three addresses and empty entries', () => {
    expect(() => parseSocketAddrList('127.0.0.1:1,127.0.0.1:2,127.0.0.1:3', 'X')).toThrow('one or two');
    expect(() => parseSocketAddrList('127.0.0.1:1,', 'X')).toThrow(ConfigError);
    expect(() => parseSocketAddrList('', 'X')).toThrow(ConfigError);
  });
});

describe('formatAddr and isLoopback', () => {
  it('round-trips and brackets IPv6', () => {
    for (const s of ['127.0.0.1:4140', '[::1]:4140', 'dst.linkerd.svc.cluster.local.:8086']) {
      expect(formatAddr(parseAddr(s))).toBe(s);
    }
  });

  it('recognises loopback addresses', () => {
    expect(isLoopback(parseAddr('127.0.0.1:1'))).toBe(true);
    expect(isLoopback(parseAddr('127.9.9.9:1'))).toBe(true);
    expect(isLoopback(parseAddr('[::1]:1'))).toBe(true);
    expect(isLoopback(parseAddr('[::ffff:127.0.0.1]:1'))).toBe(true);
    expect(isLoopback(parseAddr('localhost:1'))).toBe(true);
    expect(isLoopback(parseAddr('localhost.:1'))).toBe(true);
    expect(isLoopback(parseAddr('10.0.0.1:1'))).toBe(false);
    expect(isLoopback(parseAddr('[::2]:1'))).toBe(false);
    expect(isLoopback(parseAddr('localhost.example:1'))).toBe(false);
  });
});
