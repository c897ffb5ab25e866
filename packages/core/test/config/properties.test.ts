import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { formatIp, tryParseIp } from '../../src/config/ip-address.js';
import { formatNetwork, NetworkSet, parseNetworkSet } from '../../src/config/network-set.js';
import { PortSet, parsePortSet } from '../../src/config/port-set.js';
import { parseBool, parseEnum, parseFloatInRange, parseUint } from '../../src/config/scalars.js';
import { formatAddr, parseAddr, parseSocketAddr, parseSocketAddrList } from '../../src/config/socket-addr.js';
import { parseSuffixSet } from '../../src/config/suffix-set.js';
import { ConfigError } from '../../src/errors/index.js';

const runs = { numRuns: 500 };

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc
  .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((x) => x.toString(16)).join(':'));
const ipText = fc.oneof(
  ipv4,
  ipv6,
  ipv4.map((v4) => `::ffff:${v4}`),
);
const ipish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'.split('')), maxLength: 45 });
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const dnsName = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));

/** Calls `fn` and fails the property if it throws anything other than a ConfigError. */
function onlyConfigErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`threw ${String(err)} instead of a ConfigError`);
    expect(err.message.length).toBeGreaterThan(0);
  }
}

describe('config parser properties', () => {
  it('durations round-trip through formatDuration', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (ms) => parseDuration(formatDuration(ms)) === ms),
      runs,
    );
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.constantFrom('ms', 's', 'm', 'h', 'd'), (n, unit) => {
        const factor = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[unit];
        return parseDuration(`${n}${unit}`) === n * factor;
      }),
      runs,
    );
  });

  it('port sets round-trip and answer membership like a naive set', () => {
    const range = fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.nat(300)).map(([s, len]) => ({
      start: s,
      end: Math.min(65535, s + len),
    }));
    fc.assert(
      fc.property(
        fc.array(range, { maxLength: 20 }),
        fc.array(fc.integer({ min: -5, max: 65540 }), { maxLength: 50 }),
        (ranges, probes) => {
          const set = new PortSet(ranges);
          const again = parsePortSet(set.toString());
          expect(again.toString()).toBe(set.toString());
          expect(again.size).toBe(set.size);
          for (const p of probes) {
            const naive = ranges.some((r) => p >= r.start && p <= r.end);
            expect(set.has(p)).toBe(naive);
          }
          const text = ranges
            .map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`))
            .join(',');
          expect(parsePortSet(text).toString()).toBe(set.toString());
        },
      ),
      runs,
    );
  });

  it('IP parsing agrees with node:net and round-trips through formatIp', () => {
    fc.assert(
      fc.property(ipText, (text) => {
        const ip = tryParseIp(text);
        expect(ip).toBeDefined();
        const again = tryParseIp(formatIp(ip!));
        expect(again?.family).toBe(ip!.family);
        expect([...again!.words]).toEqual([...ip!.words]);
      }),
      runs,
    );
    fc.assert(
      fc.property(ipish, (text) => {
        expect(tryParseIp(text)?.family ?? 0).toBe(isIP(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('network sets agree with node:net BlockList and round-trip', () => {
    const v4net = fc
      .tuple(ipv4, fc.nat(32))
      .map(([a, p]) => ({ text: `${a}/${p}`, addr: a, prefix: p, type: 'ipv4' as const }));
    const v6net = fc
      .tuple(ipv6, fc.nat(128))
      .map(([a, p]) => ({ text: `${a}/${p}`, addr: a, prefix: p, type: 'ipv6' as const }));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4net, v6net), { maxLength: 6 }),
        fc.array(ipText, { maxLength: 20 }),
        (nets, probes) => {
          const set = parseNetworkSet(nets.map((n) => n.text).join(','));
          // BlockList lets IPv6 networks such as ::/0 match plain IPv4 addresses; like ipnet in
          // linkerd2-proxy, we only match IPv4 addresses against IPv4 networks.
          const oracle = new BlockList();
          const oracleV4 = new BlockList();
          for (const n of nets) {
            oracle.addSubnet(n.addr, n.prefix, n.type);
            if (n.type === 'ipv4') oracleV4.addSubnet(n.addr, n.prefix, n.type);
          }
          for (const ip of probes) {
            const want = isIP(ip) === 4 ? oracleV4.check(ip, 'ipv4') : oracle.check(ip, 'ipv6');
            expect(set.contains(ip), `${ip} in ${set}`).toBe(want);
          }
          const again = parseNetworkSet(set.toString());
          expect(again.toString()).toBe(set.toString());
          expect(new NetworkSet(set.networks).networks.map(formatNetwork)).toEqual(
            set.networks.map(formatNetwork),
          );
        },
      ),
      runs,
    );
  });

  it('suffix sets and addresses round-trip', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(dnsName, fc.constant('.')), { maxLength: 5 }), (names) => {
        const set = parseSuffixSet(names.join(','));
        expect(parseSuffixSet(set.toString()).suffixes).toEqual(set.suffixes);
        for (const n of names) expect(set.matches(`x.${n}`)).toBe(true);
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.oneof(ipText, dnsName), fc.nat(65535), (host, port) => {
        const text = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        const addr = parseAddr(text);
        expect(parseAddr(formatAddr(addr))).toEqual(addr);
        expect(addr.port).toBe(port);
      }),
      runs,
    );
  });

  it('every parser throws nothing but ConfigError, whatever the input', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.string({ unit: fc.constantFrom(...'0123456789.:,-/[]% msdhx'.split('')), maxLength: 40 }),
    );
    fc.assert(
      fc.property(input, (text) => {
        onlyConfigErrors(() => parseDuration(text, 'V'));
        onlyConfigErrors(() => parsePortSet(text, 'V'));
        onlyConfigErrors(() => parseNetworkSet(text, 'V'));
        onlyConfigErrors(() => parseSuffixSet(text, 'V'));
        onlyConfigErrors(() => parseAddr(text, 'V'));
        onlyConfigErrors(() => parseSocketAddr(text, 'V'));
        onlyConfigErrors(() => parseSocketAddrList(text, 'V'));
        onlyConfigErrors(() => parseBool(text, 'V'));
        onlyConfigErrors(() => parseUint(text, 'V', { max: 65535 }));
        onlyConfigErrors(() => parseFloatInRange(text, 'V', { min: 0, max: 1 }));
        onlyConfigErrors(() => parseEnum(text, ['a', 'b'], 'V', { ignoreCase: true }));
      }),
      { numRuns: 2000 },
    );
  });
});
