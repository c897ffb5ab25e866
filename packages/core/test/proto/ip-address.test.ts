import { isIP } from 'node:net';
import fc from 'fast-check';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  formatIpBytes,
  ipAddressFromBytes,
  ipAddressFromString,
  ipAddressToBytes,
  ipAddressToString,
  parseIpBytes,
} from '../../src/proto/ip-address.js';
import { net } from '../../src/proto/messages.js';
import { InvalidProtoValueError } from '../../src/proto/proto-errors.js';
import { readWire } from './wire-reader.js';

const hex = (value: Long | number | null | undefined) =>
  Long.isLong(value) ? value.toUnsigned().toString(16).padStart(16, '0') : String(value);

describe('IPv4', () => {
  it.each([
    ['10.0.0.1', 0x0a000001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.168.1.254', 0xc0a801fe],
  ])('%s is the big-endian u32 %i', (text, value) => {
    const address = ipAddressFromString(text);
    expect(address.ip).toBe('ipv4');
    expect(address.ipv4).toBe(value);
    expect(ipAddressToString(address)).toBe(text);
  });

  it('puts 10.0.0.1 on the wire as fixed32 field 1 holding 0x0a000001', () => {
    const bytes = net.IPAddress.encode(ipAddressFromString('10.0.0.1')).finish();
    expect([...bytes]).toEqual([0x0d, 0x01, 0x00, 0x00, 0x0a]);
  });

  it('still encodes 0.0.0.0, as the oneof member is set', () => {
    const records = readWire(net.IPAddress.encode(ipAddressFromString('0.0.0.0')).finish());
    expect(records.map((r) => [r.field, r.wireType, [...r.bytes!]])).toEqual([[1, 5, [0, 0, 0, 0]]]);
    expect(
      ipAddressToString(net.IPAddress.decode(net.IPAddress.encode(ipAddressFromString('0.0.0.0')).finish())),
    ).toBe('0.0.0.0');
  });
});

describe('IPv6', () => {
  it.each([
    ['::', '0000000000000000', '0000000000000000', '::'],
    ['::1', '0000000000000000', '0000000000000001', '::1'],
    [
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'ffffffffffffffff',
      'ffffffffffffffff',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ],
    ['::ffff:10.0.0.1', '0000000000000000', '0000ffff0a000001', '::ffff:10.0.0.1'],
    ['::FFFF:0A00:0001', '0000000000000000', '0000ffff0a000001', '::ffff:10.0.0.1'],
    ['2001:db8::1', '20010db800000000', '0000000000000001', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '20010db800000000', '0000000000020001', '2001:db8::2:1'],
    ['2001:db8:0:0:1:0:0:1', '20010db800000000', '0001000000000001', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '20010db800000001', '0001000100010001', '2001:db8:0:1:1:1:1:1'],
    ['FD00::ABCD', 'fd00000000000000', '000000000000abcd', 'fd00::abcd'],
    ['1:2:3:4:5:6:7::', '0001000200030004', '0005000600070000', '1:2:3:4:5:6:7:0'],
    ['::1.2.3.4', '0000000000000000', '0000000001020304', '::102:304'],
    ['8000::', '8000000000000000', '0000000000000000', '8000::'],
  ])('%s has halves %s %s and prints as %s', (text, first, last, printed) => {
    const address = ipAddressFromString(text);
    expect(address.ip).toBe('ipv6');
    expect(hex(address.ipv6?.first)).toBe(first);
    expect(hex(address.ipv6?.last)).toBe(last);
    expect(ipAddressToString(address)).toBe(printed);
    const decoded = net.IPAddress.decode(net.IPAddress.encode(address).finish());
    expect(ipAddressToString(decoded)).toBe(printed);
  });

  it('puts the halves on the wire as big-endian values in fixed64 fields 1 and 2', () => {
    const records = readWire(
      net.IPAddress.encode(ipAddressFromString('102:304:506:708:90a:b0c:d0e:f10')).finish(),
    );
    expect(records.map((r) => [r.field, r.wireType])).toEqual([[2, 2]]);
    const halves = readWire(records[0]!.bytes!);
    expect(
      halves.map((r) => [r.field, r.wireType, Buffer.from(r.bytes!).readBigUInt64LE().toString(16)]),
    ).toEqual([
      [1, 1, '102030405060708'],
      [2, 1, '90a0b0c0d0e0f10'],
    ]);
  });
});

describe('invalid addresses', () => {
  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.-4',
    ' 1.2.3.4',
    'localhost',
    '1::2::3',
    ':::',
    ':1::',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '1:2:3:4:5:6:7',
    '::1%eth0',
    '[::1]',
    '::ffff:1.2.3.256',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1.2.3.4::',
  ])('%j is rejected with InvalidProtoValueError', (text) => {
    const error = (() => {
      try {
        ipAddressFromString(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidProtoValueError);
    expect((error as InvalidProtoValueError).code).toBe('ERR_SKEIN_INVALID_ARGUMENT');
    expect((error as InvalidProtoValueError).message).toContain(JSON.stringify(text));
  });

  it('rejects an IPAddress with neither member set, and out-of-range ipv4', () => {
    expect(() => ipAddressToString({})).toThrow(InvalidProtoValueError);
    expect(() => ipAddressToString({ ipv4: 2 ** 32 })).toThrow(/unsigned 32-bit/);
    expect(() => ipAddressToString({ ipv4: -1 })).toThrow(InvalidProtoValueError);
    expect(() => formatIpBytes(new Uint8Array(5))).toThrow(/4 or 16/);
    expect(() => ipAddressFromBytes(new Uint8Array(3))).toThrow(/4 or 16/);
  });
});

describe('properties', () => {
  it('any 16 bytes survive format → parse → proto → bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIpBytes(bytes);
        expect(isIP(text)).toBe(6);
        expect([...parseIpBytes(text)]).toEqual([...bytes]);
        expect([...ipAddressToBytes(ipAddressFromString(text))]).toEqual([...bytes]);
      }),
    );
  });

  it('formats like the WHATWG URL serializer (RFC 5952 compression) except for mapped IPv4', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        const printed = ipAddressToString(ipAddressFromString(text));
        const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
        if (printed.startsWith('::ffff:') && printed.includes('.')) {
          expect([...parseIpBytes(printed)]).toEqual([...parseIpBytes(canonical)]);
        } else {
          expect(printed).toBe(canonical);
        }
      }),
    );
  });

  it('any 4 bytes and any dotted IPv4 round-trip', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(ipAddressToString(ipAddressFromString(text))).toBe(text);
      }),
    );
  });

  it('accepts exactly what node:net accepts, and throws only InvalidProtoValueError', () => {
    const candidates = fc.oneof(
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'.split('')), maxLength: 45 }),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        let ok = true;
        try {
          ipAddressFromString(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidProtoValueError);
          ok = false;
        }
        expect(ok, text).toBe(isIP(text) !== 0);
      }),
      { numRuns: 2000 },
    );
  });
});
