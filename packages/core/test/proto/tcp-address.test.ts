import { describe, expect, it } from 'vitest';
import { net } from '../../src/proto/messages.js';
import { InvalidProtoValueError } from '../../src/proto/proto-errors.js';
import {
  ipNetworkFromString,
  ipNetworkToString,
  tcpAddressFromParts,
  tcpAddressFromString,
  tcpAddressToString,
} from '../../src/proto/tcp-address.js';

describe('TcpAddress', () => {
  it.each([
    ['10.0.0.1:8080', 0x0a000001, 8080],
    ['127.0.0.1:0', 0x7f000001, 0],
    ['255.255.255.255:65535', 0xffffffff, 65535],
  ])('%s round-trips through the wire', (text, ipv4, port) => {
    const address = tcpAddressFromString(text);
    expect(address.ip?.ipv4).toBe(ipv4);
    expect(address.port).toBe(port);
    const decoded = net.TcpAddress.decode(net.TcpAddress.encode(address).finish());
    expect(tcpAddressToString(decoded)).toBe(text);
  });

  it.each([
    ['[fd00::1]:4143', '[fd00::1]:4143'],
    ['[::]:80', '[::]:80'],
    ['[::ffff:10.1.2.3]:443', '[::ffff:10.1.2.3]:443'],
    ['[FD00:0:0:0:0:0:0:1]:1', '[fd00::1]:1'],
  ])('%s prints as %s', (text, printed) => {
    const decoded = net.TcpAddress.decode(net.TcpAddress.encode(tcpAddressFromString(text)).finish());
    expect(decoded.ip?.ip).toBe('ipv6');
    expect(tcpAddressToString(decoded)).toBe(printed);
  });

  it('builds from parts', () => {
    expect(tcpAddressToString(tcpAddressFromParts('fd00::2', 8086))).toBe('[fd00::2]:8086');
    expect(() => tcpAddressFromParts('10.0.0.1', 65536)).toThrow(/0\.\.65535/);
    expect(() => tcpAddressFromParts('10.0.0.1', 1.5)).toThrow(InvalidProtoValueError);
  });

  it.each([
    'fd00::1:80',
    '10.0.0.1',
    '10.0.0.1:',
    '10.0.0.1:65536',
    '10.0.0.1:-1',
    '10.0.0.1:08',
    '10.0.0.1: 80',
    ':80',
    '[::1]',
    '[]:80',
    'web.default:80',
    '[10.0.0.1]:80x',
  ])('%j is rejected naming the text', (text) => {
    expect(() => tcpAddressFromString(text)).toThrow(InvalidProtoValueError);
    expect(() => tcpAddressFromString(text)).toThrow(JSON.stringify(text));
  });

  it('refuses to print a TcpAddress without an ip or with a port over 65535', () => {
    expect(() => tcpAddressToString({ port: 80 })).toThrow(/TcpAddress\.ip/);
    expect(() => tcpAddressToString({ ip: { ipv4: 1 }, port: 70000 })).toThrow(/TcpAddress\.port/);
  });
});

describe('IPNetwork', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', 8],
    ['fd00::/16', 'fd00::/16', 16],
    ['0.0.0.0/0', '0.0.0.0/0', 0],
    ['::/0', '::/0', 0],
    ['10.1.2.3', '10.1.2.3/32', 32],
    ['::1', '::1/128', 128],
    ['10.1.2.3/24', '10.1.2.3/24', 24],
  ])('%s → %s', (text, printed, prefixLen) => {
    const network = ipNetworkFromString(text);
    expect(network.prefixLen).toBe(prefixLen);
    expect(ipNetworkToString(net.IPNetwork.decode(net.IPNetwork.encode(network).finish()))).toBe(printed);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/08', 'x/8', '10.0.0.0/8/8', '/8'])(
    '%j is rejected',
    (text) => {
      expect(() => ipNetworkFromString(text)).toThrow(InvalidProtoValueError);
    },
  );

  it('refuses to print an out-of-range prefix', () => {
    expect(() => ipNetworkToString({ ip: { ipv4: 0 }, prefixLen: 33 })).toThrow(/prefixLen/);
    expect(() => ipNetworkToString({ prefixLen: 8 })).toThrow(/IPNetwork\.ip/);
  });
});
