import { SkeinError } from '@skein/core';
import { destination, InvalidProtoValueError, inbound, tcpAddressToString } from '@skein/core/proto';
import { expectTyped, FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { endpointFromWeightedAddr } from '../../src/client/endpoint-from-addr.js';
import { profileFromMessage } from '../../src/client/profile-from-message.js';
import { findRoute } from '../../src/client/profile-model.js';
import { InvalidPolicyError } from '../../src/policy/policy-error.js';
import { inboundPolicyFromServer } from '../../src/policy/policy-from-server.js';

// What the proxy does with control-plane messages (spec §1.3, §1.6): decode the bytes a
// Destination or policy server sent, then convert them (endpoints, profiles, inbound policies).
// Decoding garbage may fail (protobufjs throws an Error); converting any message that decoded
// must end in a result or one of the documented SkeinErrors, and valid messages must survive the
// trip through the wire intact.

/**
 * protobufjs reports undecodable bytes with an Error or RangeError (index out of range, invalid
 * wire type), or, for a string field that is not UTF-8, the TypeError of a fatal TextDecoder.
 */
function expectDecodeError(err: unknown): void {
  expect(err).toBeInstanceOf(Error);
  if (err instanceof TypeError)
    expect((err as NodeJS.ErrnoException).code).toBe('ERR_ENCODING_INVALID_ENCODED_DATA');
}

const ipv4 = fc.nat(0xffffffff);
const port = fc.integer({ min: 1, max: 65_535 });
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const dns = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));
const labels = fc.dictionary(label, fc.string({ maxLength: 10 }), { maxKeys: 3 });
const weightedAddr = fc.record({
  addr: fc.record({ ip: fc.record({ ipv4 }), port }),
  weight: fc.nat(100_000),
  metricLabels: labels,
  tlsIdentity: fc.option(fc.record({ dnsLikeIdentity: fc.record({ name: dns }) }), { nil: undefined }),
  protocolHint: fc.option(fc.constantFrom({ h2: {} }, { opaque: {} }), { nil: undefined }),
});
const update = fc.oneof(
  fc.record({ add: fc.record({ addrs: fc.array(weightedAddr, { maxLength: 5 }), metricLabels: labels }) }),
  fc.record({
    remove: fc.record({ addrs: fc.array(fc.record({ ip: fc.record({ ipv4 }), port }), { maxLength: 5 }) }),
  }),
  fc.record({ noEndpoints: fc.record({ exists: fc.boolean() }) }),
);

const ipText = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');

/** Converts an Update as the destination client does (endpoints for add, keys for remove). */
function convertUpdate(u: destination.Update): void {
  if (u.add != null) for (const a of u.add.addrs ?? []) endpointFromWeightedAddr(a, u.add.metricLabels ?? {});
  if (u.remove != null) for (const a of u.remove.addrs ?? []) tcpAddressToString(a);
}

const mutate = (bytes: Uint8Array, edits: [number, number][]) => {
  const out = Uint8Array.from(bytes);
  if (out.length === 0) return out;
  for (const [at, v] of edits) out[at % out.length] = v;
  return out;
};

describe('fuzz: control-plane messages (Destination Update and DestinationProfile, inbound Server)', () => {
  const suite = new FuzzSuite({
    id: 'discovery-control-plane-proto',
    target:
      'Decoding and converting Destination Update and DestinationProfile and inbound Server messages (endpointFromWeightedAddr, profileFromMessage, inboundPolicyFromServer) on random bytes, byte-mutated valid messages and generated valid messages',
    expected:
      'decoding fails only with protobufjs Errors; converting any decoded message gives a result or InvalidProtoValueError / InvalidPolicyError (never a TypeError, never a hang); valid messages round-trip with their addresses, identities, hints and labels',
  });

  suite.property('Update round trip: encode → decode → endpoints', update, (u) => {
    const decoded = destination.Update.decode(
      destination.Update.encode(destination.Update.fromObject(u)).finish(),
    );
    if ('add' in u) {
      const eps = (decoded.add?.addrs ?? []).map((a) =>
        endpointFromWeightedAddr(a, decoded.add?.metricLabels ?? {}),
      );
      expect(eps).toHaveLength(u.add.addrs.length);
      eps.forEach((e, i) => {
        const src = u.add.addrs[i]!;
        expect(e.address).toBe(`${ipText(src.addr.ip.ipv4)}:${src.addr.port}`);
        expect(e.weight).toBe(src.weight || 10_000);
        expect(e.identity?.name).toBe(src.tlsIdentity?.dnsLikeIdentity.name || undefined);
        expect(e.protocolHint).toBe(
          src.protocolHint === undefined ? undefined : 'h2' in src.protocolHint ? 'h2' : 'opaque',
        );
        expect(e.labels).toEqual({ ...u.add.metricLabels, ...src.metricLabels });
      });
    } else if ('remove' in u) {
      expect((decoded.remove?.addrs ?? []).map(tcpAddressToString)).toEqual(
        u.remove.addrs.map((a) => `${ipText(a.ip.ipv4)}:${a.port}`),
      );
    } else {
      expect(decoded.noEndpoints?.exists ?? false).toBe(u.noEndpoints.exists);
    }
  });

  suite.property(
    'Update from random or mutated bytes: decode error, or a message whose conversion is typed',
    fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(update, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }))
        .map(([u, edits]) =>
          mutate(destination.Update.encode(destination.Update.fromObject(u)).finish(), edits),
        ),
    ),
    (bytes) => {
      let decoded: destination.Update;
      try {
        decoded = destination.Update.decode(bytes);
      } catch (err) {
        expectDecodeError(err);
        return;
      }
      try {
        convertUpdate(decoded);
      } catch (err) {
        expectTyped(err, InvalidProtoValueError);
      }
    },
  );

  const regex = fc.oneof(
    fc.stringMatching(/^\/[a-z0-9/]{0,12}(\.\*|\[0-9\]\+|[a-z]{0,3})?$/),
    fc.constantFrom('/api/.*', '^/x$', '/a\\$', '[', '(', '/users/[^/]+'),
  );
  const profile = fc.record({
    fullyQualifiedName: fc.oneof(fc.constant(''), dns),
    opaqueProtocol: fc.boolean(),
    routes: fc.array(
      fc.record({
        condition: fc.oneof(
          fc.record({ path: fc.record({ regex }) }),
          fc.record({ method: fc.record({ registered: fc.nat(10) }) }),
          fc.record({
            all: fc.record({
              matches: fc.array(fc.record({ path: fc.record({ regex }) }), { maxLength: 2 }),
            }),
          }),
        ),
        metricsLabels: fc.record({ route: label }),
        isRetryable: fc.boolean(),
        timeout: fc.option(fc.record({ seconds: fc.nat(100), nanos: fc.nat(999_999_999) }), {
          nil: undefined,
        }),
        responseClasses: fc.array(
          fc.record({
            condition: fc.record({ status: fc.record({ min: fc.nat(700), max: fc.nat(700) }) }),
            isFailure: fc.boolean(),
          }),
          { maxLength: 2 },
        ),
      }),
      { maxLength: 4 },
    ),
    retryBudget: fc.option(
      fc.record({
        retryRatio: fc.float({ min: 0, max: 2000, noNaN: true }),
        minRetriesPerSecond: fc.nat(100),
        ttl: fc.record({ seconds: fc.nat(120) }),
      }),
      { nil: undefined },
    ),
    dstOverrides: fc.array(fc.record({ authority: fc.oneof(fc.constant(''), dns), weight: fc.nat(100) }), {
      maxLength: 3,
    }),
  });

  suite.property(
    'DestinationProfile round trip: routes kept or dropped, a default route last, overrides filtered',
    profile,
    (p) => {
      const decoded = destination.DestinationProfile.decode(
        destination.DestinationProfile.encode(destination.DestinationProfile.fromObject(p)).finish(),
      );
      const converted = profileFromMessage(decoded);
      expect(converted.routes.length + converted.droppedRoutes).toBe(p.routes.length + 1);
      expect(converted.routes.at(-1)?.isDefault).toBe(true);
      expect(converted.dstOverrides).toEqual(
        p.dstOverrides
          .filter((d) => d.weight > 0 && d.authority !== '')
          .map((d) => ({ authority: d.authority, weight: d.weight })),
      );
      expect(converted.opaqueProtocol).toBe(p.opaqueProtocol);
      // Every kept route can be matched against without throwing.
      findRoute(converted, 'GET', '/api/x');
    },
  );

  suite.property(
    'DestinationProfile from random or mutated bytes: decode error, or a typed conversion',
    fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(profile, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }))
        .map(([p, edits]) =>
          mutate(
            destination.DestinationProfile.encode(destination.DestinationProfile.fromObject(p)).finish(),
            edits,
          ),
        ),
    ),
    (bytes) => {
      let decoded: destination.DestinationProfile;
      try {
        decoded = destination.DestinationProfile.decode(bytes);
      } catch (err) {
        expectDecodeError(err);
        return;
      }
      try {
        const converted = profileFromMessage(decoded);
        findRoute(converted, 'GET', '/');
      } catch (err) {
        expectTyped(err, InvalidProtoValueError);
      }
    },
  );

  const server = fc.record({
    protocol: fc.oneof(
      fc.record({ detect: fc.record({ timeout: fc.record({ seconds: fc.integer({ min: 1, max: 30 }) }) }) }),
      fc.constantFrom({ http1: {} }, { http2: {} }, { grpc: {} }, { opaque: {} }, { tls: {} }),
    ),
    labels: fc.record({ name: label, kind: fc.constant('server'), group: fc.constant('policy.linkerd.io') }),
    authorizations: fc.array(
      fc.record({
        networks: fc.array(
          fc.record({
            net: fc.record({ ip: fc.record({ ipv4 }), prefixLen: fc.integer({ min: 0, max: 32 }) }),
          }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        authentication: fc.oneof(
          fc.constant({ unauthenticated: {} }),
          fc.record({
            meshTLS: fc.record({ identities: fc.array(fc.record({ name: dns }), { maxLength: 2 }) }),
          }),
        ),
        labels: fc.record({ name: label }),
      }),
      { maxLength: 3 },
    ),
  });

  suite.property('inbound Server round trip: protocol and authorizations survive', server, (s) => {
    const decoded = inbound.Server.decode(inbound.Server.encode(inbound.Server.fromObject(s)).finish());
    const policy = inboundPolicyFromServer(decoded, { permitLocalhost: false });
    expect(policy.protocol).toBe(Object.keys(s.protocol)[0]);
    expect(policy.authorizations).toHaveLength(s.authorizations.length);
    expect(policy.server.name).toBe(s.labels.name);
  });

  suite.property(
    'inbound Server from random or mutated bytes: decode error, or a policy, or InvalidPolicyError',
    fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(server, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }))
        .map(([s, edits]) => mutate(inbound.Server.encode(inbound.Server.fromObject(s)).finish(), edits)),
    ),
    (bytes) => {
      let decoded: inbound.Server;
      try {
        decoded = inbound.Server.decode(bytes);
      } catch (err) {
        expectDecodeError(err);
        return;
      }
      try {
        inboundPolicyFromServer(decoded);
      } catch (err) {
        expectTyped(err, InvalidPolicyError, InvalidProtoValueError);
        expect(err).toBeInstanceOf(SkeinError);
      }
    },
  );

  suite.record();
});
