import { destination } from '@skein/core/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiscoveredEndpoint, endpointAddress, endpointFromWeightedAddr } from '../src/index.js';
import { weightedAddrFromEndpoint } from '../src/server/index.js';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const ipv6 = fc
  .array(fc.integer({ min: 1, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((x) => x.toString(16)).join(':'));
const label = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const dns = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9](\.[a-z][a-z0-9]{0,6}){1,3}$/);

const endpoint: fc.Arbitrary<DiscoveredEndpoint> = fc
  .record({
    ip: fc.oneof(ipv4, ipv6),
    port: fc.integer({ min: 1, max: 65535 }),
    weight: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
    labels: fc.dictionary(label, fc.string({ maxLength: 8 }), { maxKeys: 4 }),
    identity: fc.option(fc.record({ name: dns, serverName: dns }), { nil: undefined }),
    protocolHint: fc.option(fc.constantFrom('h2' as const, 'opaque' as const), { nil: undefined }),
    opaqueTransportPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    authorityOverride: fc.option(
      dns.map((d) => `${d}:4143`),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const e: Record<string, unknown> = { address: endpointAddress(r.ip, r.port), ...r };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return e as unknown as DiscoveredEndpoint;
  });

describe('WeightedAddr ↔ DiscoveredEndpoint', () => {
  it('round-trips every endpoint through the wire encoding', () => {
    fc.assert(
      fc.property(endpoint, fc.dictionary(label, fc.string({ maxLength: 4 }), { maxKeys: 2 }), (e, set) => {
        const full = { ...e, labels: { ...set, ...e.labels } };
        const wire = destination.WeightedAddr.decode(
          destination.WeightedAddr.encode(weightedAddrFromEndpoint(full, set)).finish(),
        );
        expect(endpointFromWeightedAddr(wire, set)).toEqual(full);
      }),
      { numRuns: 300 },
    );
  });

  it('uses the identity as SNI without a server name, and ignores URI identities', () => {
    const base = { addr: { ip: { ipv4: 0x7f000001 }, port: 80 }, weight: 0 };
    expect(endpointFromWeightedAddr({ ...base, tlsIdentity: { dnsLikeIdentity: { name: 'a.b' } } })).toEqual({
      address: '127.0.0.1:80',
      ip: '127.0.0.1',
      port: 80,
      weight: 10_000,
      labels: {},
      identity: { name: 'a.b', serverName: 'a.b' },
    });
    const uri = endpointFromWeightedAddr({
      ...base,
      tlsIdentity: { uriLikeIdentity: { uri: 'spiffe://td/ns/a' }, serverName: { name: 'a.b' } },
    });
    expect(uri.identity).toBeUndefined();
    expect(() => endpointFromWeightedAddr({ weight: 1 })).toThrow(/IP/);
  });
});
