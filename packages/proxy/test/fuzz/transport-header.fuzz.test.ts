import { SkeinError } from '@skein/core';
import {
  decodeTransportHeader,
  encodeTransportHeader,
  TRANSPORT_HEADER_PREFACE,
  type TransportHeader,
  TransportHeaderDecoder,
  TransportHeaderError,
} from '@skein/core/proto';
import { expectTyped, FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { describe, expect } from 'vitest';

// The transport header decoder reads the first bytes of every direct (port 4143) connection from
// a meshed peer (spec §1.10, §2.5), as the proxy's inbound direct path feeds it: chunk by chunk
// from the TLS socket. Bad bytes must end in TransportHeaderError, and nothing else.

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,15}[a-z0-9])?$/);
const header: fc.Arbitrary<TransportHeader> = fc.record({
  port: fc.integer({ min: 1, max: 65_535 }),
  name: fc.option(
    fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.')),
    { nil: undefined },
  ),
  sessionProtocol: fc.constantFrom(undefined, 'http1' as const, 'http2' as const),
});

/** Splits `bytes` into chunks at the given cut points. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

type FeedResult =
  | { kind: 'header'; header: TransportHeader; rest: Buffer }
  | { kind: 'pending' }
  | { kind: 'error'; error: TransportHeaderError };

/** Feeds chunks as a socket would; returns the header and rest, or the typed failure. */
function feed(parts: Buffer[], end: boolean): FeedResult {
  const decoder = new TransportHeaderDecoder();
  try {
    for (let i = 0; i < parts.length; i++) {
      const r = decoder.push(parts[i]!);
      if (r.done)
        return { kind: 'header', header: r.header, rest: Buffer.concat([r.rest, ...parts.slice(i + 1)]) };
      expect(r.needed).toBeGreaterThan(0);
    }
    if (end) decoder.end();
    return { kind: 'pending' };
  } catch (err) {
    expectTyped(err, TransportHeaderError);
    // A failed decoder keeps failing: no second chance with the same connection.
    expect(() => decoder.push(Buffer.from([0]))).toThrow(TransportHeaderError);
    return { kind: 'error', error: err as TransportHeaderError };
  }
}

const preface = Buffer.from(TRANSPORT_HEADER_PREFACE, 'latin1');
const framed = (body: Uint8Array, declared = body.length) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(declared >>> 0);
  return Buffer.concat([preface, len, body]);
};

describe('fuzz: transport header decoder (direct connections)', () => {
  const suite = new FuzzSuite({
    id: 'proxy-transport-header',
    target:
      'The transport header decoder as the inbound direct path uses it (chunks of any size) on encoded headers, arbitrary protobuf bodies, declared lengths up to 2^32-1, truncations and random bytes',
    expected:
      'encode → decode round-trips for every valid header and every chunking, application bytes after it preserved; anything else fails with TransportHeaderError (never another error, never a hang, never more than 64 KiB buffered)',
  });

  suite.property(
    'round trip: any valid header, any chunking, with application bytes behind it',
    fc.tuple(header, fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 6 })),
    ([h, app, cuts]) => {
      const bytes = Buffer.concat([encodeTransportHeader(h), app]);
      const r = feed(chunks(bytes, cuts), false);
      expect(r.kind).toBe('header');
      if (r.kind !== 'header') return;
      expect(r.header).toEqual({ port: h.port, name: h.name, sessionProtocol: h.sessionProtocol });
      expect(Buffer.from(r.rest)).toEqual(Buffer.from(app));
    },
  );

  suite.property(
    'arbitrary protobuf bodies: a header with a valid port and name, or TransportHeaderError',
    fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 4 })),
    ([body, cuts]) => {
      const r = feed(chunks(framed(body), cuts), true);
      if (r.kind === 'header') {
        expect(r.header.port).toBeGreaterThanOrEqual(1);
        expect(r.header.port).toBeLessThanOrEqual(65_535);
        if (r.header.name !== undefined) expect(r.header.name).toMatch(/^[A-Za-z0-9.-]+$/);
      }
    },
  );

  suite.property(
    'declared lengths over 64 KiB fail at once, before the body is buffered',
    fc.integer({ min: 65_537, max: 0xffffffff }),
    (declared) => {
      const decoder = new TransportHeaderDecoder();
      let error: unknown;
      try {
        decoder.push(framed(Buffer.alloc(0), declared));
      } catch (err) {
        error = err;
      }
      expectTyped(error, TransportHeaderError);
      expect((error as TransportHeaderError).fault).toBe('length');
    },
  );

  suite.property(
    'truncated headers: the stream ending early is TransportHeaderError(truncated)',
    fc.tuple(header, fc.nat()),
    ([h, cut]) => {
      const bytes = encodeTransportHeader(h);
      const partial = bytes.subarray(0, cut % bytes.length);
      const r = feed([partial], true);
      expect(r.kind === 'error' && r.error.fault).toBe('truncated');
      expect(() => decodeTransportHeader(partial)).toThrow(TransportHeaderError);
    },
  );

  suite.property(
    'random bytes and mutated headers: TransportHeaderError or a valid header, nothing else',
    fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(header, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }))
        .map(([h, edits]) => {
          const b = Buffer.from(encodeTransportHeader(h));
          for (const [at, v] of edits) b[at % b.length] = v;
          return new Uint8Array(b);
        }),
    ),
    (bytes) => {
      try {
        const { header: h } = decodeTransportHeader(bytes);
        expect(h.port).toBeGreaterThanOrEqual(1);
        expect(h.port).toBeLessThanOrEqual(65_535);
      } catch (err) {
        expectTyped(err, TransportHeaderError);
      }
    },
  );

  suite.property(
    'the encoder refuses what the decoder would refuse, with a SkeinError',
    fc.record({
      port: fc.integer({ min: -70_000, max: 140_000 }),
      name: fc.option(fc.string(), { nil: undefined }),
    }),
    ({ port, name }) => {
      let encoded: Buffer | undefined;
      try {
        encoded = encodeTransportHeader({ port, name });
      } catch (err) {
        expectTyped(err, SkeinError);
        return;
      }
      expect(decodeTransportHeader(encoded).header.port).toBe(port);
    },
  );

  suite.record();
});
