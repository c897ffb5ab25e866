import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatIp, parseIpInto, tryParseIp } from '../../src/config/ip-address.js';

describe('IP parsing', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::FFFF:0102:0304', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('parses %j and formats it canonically as %j', (text, canonical) => {
    const ip = tryParseIp(text);
    expect(ip).toBeDefined();
    expect(formatIp(ip!)).toBe(canonical);
  });

  it.each([
    '',
    '1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '256.0.0.1',
    '1.2.3.4 ',
    ':',
    ':::',
    '1:',
    ':1',
    '1::2::3',
    '12345::',
    'g::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
    'fe80::1%eth0',
    '[::1]',
  ])('refuses %j', (text) => {
    expect(tryParseIp(text)).toBeUndefined();
    expect(parseIpInto(text, new Uint32Array(4))).toBe(0);
  });

  it('agrees with node:net isIP on edge cases', () => {
    for (const s of ['1.1.1.1', '::ffff:01.2.3.4', '0:0:0:0:0:0:0:0', '::0.0.0.0', '1:2:3:4:5:6::8', 'a:b']) {
      const ours = tryParseIp(s)?.family ?? 0;
      expect(ours, s).toBe(isIP(s));
    }
  });
});
