import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SkeinError } from '../../src/errors/index.js';
import { transportHeader } from '../../src/proto/messages.js';
import {
  InvalidProtoValueError,
  TransportHeaderError,
  type TransportHeaderFault,
} from '../../src/proto/proto-errors.js';
import {
  encodeTransportHeader,
  type SessionProtocolName,
  TRANSPORT_HEADER_MAX_LENGTH,
  TRANSPORT_HEADER_PREFACE,
  type TransportHeader,
} from '../../src/proto/transport-header.js';
import { decodeTransportHeader, TransportHeaderDecoder } from '../../src/proto/transport-header-decoder.js';
import { readWire, varintOf } from './wire-reader.js';

const PREFACE = Buffer.from('transport.l5d.io/v1\r\n\r\n', 'ascii');
const APP_BYTES = Buffer.from('GET / HTTP/1.1\r\nhost: web\r\n\r\n');

/** Frames an arbitrary protobuf body as a transport header, bypassing the encoder's checks. */
function frame(body: Uint8Array, declaredLength = body.length): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(declaredLength);
  return Buffer.concat([PREFACE, length, body]);
}

function faultOf(run: () => unknown): TransportHeaderFault | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TransportHeaderError);
    expect((error as TransportHeaderError).code).toBe('ERR_SKEIN_TRANSPORT_HEADER');
    return (error as TransportHeaderError).fault;
  }
  return undefined;
}

describe('encodeTransportHeader', () => {
  it('writes the preface, a big-endian u32 length and the protobuf Header', () => {
    const bytes = encodeTransportHeader({
      port: 8080,
      name: 'web.emojivoto.svc.cluster.local',
      sessionProtocol: 'http2',
    });
    expect(TRANSPORT_HEADER_PREFACE).toHaveLength(23);
    expect(bytes.subarray(0, 23).toString('latin1')).toBe('transport.l5d.io/v1\r\n\r\n');
    const length = bytes.readUInt32BE(23);
    expect(bytes.length).toBe(27 + length);
    const records = readWire(bytes.subarray(27));
    expect(records.map((r) => [r.field, r.wireType])).toEqual([
      [1, 0],
      [2, 2],
      [3, 2],
    ]);
    expect(records[0]!.varint).toBe(8080n);
    expect(Buffer.from(records[1]!.bytes!).toString()).toBe('web.emojivoto.svc.cluster.local');
    // SessionProtocol{http2: Http2{}} is field 2 with an empty payload.
    expect(readWire(records[2]!.bytes!).map((r) => [r.field, r.wireType, r.bytes!.length])).toEqual([
      [2, 2, 0],
    ]);
  });

  it('omits an empty name and a missing session protocol, as proto3 does', () => {
    const bytes = encodeTransportHeader({ port: 4143 });
    expect(readWire(bytes.subarray(27)).map((r) => [r.field, r.varint])).toEqual([[1, 4143n]]);
    const http1 = encodeTransportHeader({ port: 80, sessionProtocol: 'http1' });
    const records = readWire(http1.subarray(27));
    expect(readWire(records[1]!.bytes!).map((r) => r.field)).toEqual([1]);
  });

  it.each([
    [{ port: 0 }, 'port'],
    [{ port: -1 }, 'port'],
    [{ port: 65536 }, 'port'],
    [{ port: 80.5 }, 'port'],
    [{ port: Number.NaN }, 'port'],
    [{ port: 80, name: 'not a name' }, 'name'],
    [{ port: 80, name: '-web.ns' }, 'name'],
    [{ port: 80, name: 'a'.repeat(64) }, 'name'],
  ] as const)('refuses %j (%s)', (header, fault) => {
    expect(faultOf(() => encodeTransportHeader(header))).toBe(fault);
  });

  it('refuses an unknown session protocol', () => {
    const header = { port: 80, sessionProtocol: 'h3' as SessionProtocolName };
    expect(() => encodeTransportHeader(header)).toThrow(InvalidProtoValueError);
  });
});

describe('TransportHeaderDecoder', () => {
  const header: TransportHeader = {
    port: 8080,
    name: 'web.emojivoto.svc.cluster.local',
    sessionProtocol: 'http1',
  };
  const wire = Buffer.concat([encodeTransportHeader(header), APP_BYTES]);
  const headerLength = wire.length - APP_BYTES.length;

  it('decodes a header and hands back the application bytes after it', () => {
    const result = new TransportHeaderDecoder().push(wire);
    expect(result).toEqual({ done: true, header, rest: APP_BYTES });
    expect(decodeTransportHeader(encodeTransportHeader({ port: 1 }))).toEqual({
      done: true,
      header: { port: 1, name: undefined, sessionProtocol: undefined },
      rest: Buffer.alloc(0),
    });
  });

  it('accepts Uint8Array chunks that are not Buffers', () => {
    const copy = new Uint8Array(wire);
    const result = new TransportHeaderDecoder().push(copy);
    expect(result.done && result.header).toEqual(header);
  });

  it('reports how many bytes it still needs when fed one byte at a time', () => {
    const decoder = new TransportHeaderDecoder();
    for (let i = 0; i < headerLength - 1; i++) {
      const result = decoder.push(wire.subarray(i, i + 1));
      expect(result.done).toBe(false);
      const needed = i + 1 < 27 ? 27 - (i + 1) : headerLength - (i + 1);
      expect(result).toEqual({ done: false, needed });
    }
    const last = decoder.push(wire.subarray(headerLength - 1));
    expect(last).toEqual({ done: true, header, rest: APP_BYTES });
    decoder.end();
  });

  it('gives the same answer for every way of splitting the bytes in three', () => {
    for (let i = 0; i <= wire.length; i++) {
      for (let j = i; j <= wire.length; j++) {
        const chunks = [wire.subarray(0, i), wire.subarray(i, j), wire.subarray(j)];
        const decoder = new TransportHeaderDecoder();
        let k = 0;
        let result = decoder.push(chunks[k++]!);
        while (!result.done) result = decoder.push(chunks[k++]!);
        expect(result.header).toEqual(header);
        expect(Buffer.concat([result.rest, ...chunks.slice(k)])).toEqual(APP_BYTES);
      }
    }
  });

  it('fails on the first byte that departs from the preface', () => {
    expect(faultOf(() => new TransportHeaderDecoder().push(Buffer.from('G')))).toBe('preface');
    const v2 = Buffer.from('transport.l5d.io/v2\r\n\r\n');
    const decoder = new TransportHeaderDecoder();
    expect(decoder.push(v2.subarray(0, 18))).toEqual({ done: false, needed: 9 });
    expect(faultOf(() => decoder.push(v2.subarray(18)))).toBe('preface');
    expect(
      faultOf(() => decoder.push(wire)),
      'a failed decoder stays failed',
    ).toBe('preface');
    expect(faultOf(() => decoder.end())).toBe('preface');
  });

  it('rejects a declared length over 64 KiB before any body arrives', () => {
    const decoder = new TransportHeaderDecoder();
    expect(faultOf(() => decoder.push(frame(new Uint8Array(), TRANSPORT_HEADER_MAX_LENGTH + 1)))).toBe(
      'length',
    );
    expect(faultOf(() => decoder.push(frame(new Uint8Array(), 0xffffffff)))).toBe('length');
  });

  it('accepts a header of exactly 64 KiB (padded with an unknown field)', () => {
    const known = transportHeader.Header.encode({ port: 80 }).finish();
    // Unknown field 15, wire type 2: tag 0x7a, a 3-byte varint length, then padding.
    const padLength = TRANSPORT_HEADER_MAX_LENGTH - known.length - 1 - 3;
    const pad = Buffer.concat([
      Buffer.from([0x7a, (padLength & 0x7f) | 0x80, ((padLength >> 7) & 0x7f) | 0x80, padLength >> 14]),
      Buffer.alloc(padLength, 0x61),
    ]);
    const body = Buffer.concat([known, pad]);
    expect(body.length).toBe(TRANSPORT_HEADER_MAX_LENGTH);
    const result = new TransportHeaderDecoder().push(frame(body));
    expect(result.done && result.header.port).toBe(80);
  });

  it.each([
    ['port 0', { port: 0 }],
    ['a missing port', { name: 'web' }],
    ['port -1', { port: -1 }],
    ['port 65536', { port: 65536 }],
    ['port 2^31-1', { port: 2 ** 31 - 1 }],
  ])('rejects %s', (_label, fields) => {
    const body = transportHeader.Header.encode(fields).finish();
    expect(faultOf(() => new TransportHeaderDecoder().push(frame(body)))).toBe('port');
  });

  it('rejects port -1 as sent on the wire (a 10-byte varint)', () => {
    const body = readWire(transportHeader.Header.encode({ port: -1 }).finish());
    expect(body[0]!.varint).toBe(varintOf(-1n));
  });

  it.each(['bad_name', '-web', 'a..b', 'web.ns.svc.cluster.local..', 'ünïcode', 'x'.repeat(64)])(
    'rejects the name %j',
    (name) => {
      const body = transportHeader.Header.encode({ port: 80, name }).finish();
      expect(faultOf(() => new TransportHeaderDecoder().push(frame(body)))).toBe('name');
    },
  );

  it.each([
    ['a length running past the body', [0x12, 0x05, 0x61]],
    ['an invalid wire type', [0x0f]],
    ['a truncated varint', [0x08, 0x80]],
    ['a stray end-group tag', [0x0c]],
    ['a field number of zero', [0x00, 0x01]],
  ])('rejects undecodable protobuf: %s', (_label, body) => {
    const error = (() => {
      try {
        new TransportHeaderDecoder().push(frame(Uint8Array.from(body)));
      } catch (e) {
        return e as TransportHeaderError;
      }
      return undefined;
    })();
    expect(error?.fault).toBe('protobuf');
    expect(error?.cause).toBeInstanceOf(Error);
  });

  it('reports truncation at end of stream, and nothing once done', () => {
    const decoder = new TransportHeaderDecoder();
    decoder.push(wire.subarray(0, 30));
    expect(faultOf(() => decoder.end())).toBe('truncated');
    expect(faultOf(() => new TransportHeaderDecoder().end())).toBe('truncated');
    expect(faultOf(() => decodeTransportHeader(wire.subarray(0, 10)))).toBe('truncated');
    const done = new TransportHeaderDecoder();
    done.push(wire);
    expect(() => done.end()).not.toThrow();
    expect(() => done.push(APP_BYTES)).toThrow(/after the header was decoded/);
  });
});

describe('properties', () => {
  const validHeader = fc.record({
    port: fc.integer({ min: 1, max: 65535 }),
    name: fc.option(fc.domain(), { nil: undefined }),
    sessionProtocol: fc.option(fc.constantFrom<SessionProtocolName>('http1', 'http2'), { nil: undefined }),
  });

  it('every valid header round-trips', () => {
    fc.assert(
      fc.property(validHeader, fc.uint8Array({ maxLength: 32 }), (header, app) => {
        const result = new TransportHeaderDecoder().push(Buffer.concat([encodeTransportHeader(header), app]));
        expect(result.done && result.header).toEqual(header);
        expect(result.done && [...result.rest]).toEqual([...app]);
      }),
    );
  });

  /** Feeds chunks until done; anything thrown other than TransportHeaderError fails the property. */
  function feed(chunks: Uint8Array[], end: boolean): void {
    const decoder = new TransportHeaderDecoder();
    try {
      for (const chunk of chunks) if (decoder.push(chunk).done) return;
      if (end) decoder.end();
    } catch (error) {
      if (!(error instanceof TransportHeaderError) || !(error instanceof SkeinError)) throw error;
    }
  }

  it('random bytes in random chunks only ever give a TransportHeaderError', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), fc.boolean(), feed), {
      numRuns: 2000,
    });
  });

  it('random bodies behind a valid preface only ever give a TransportHeaderError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 256 }),
        fc.nat({ max: 300 }),
        fc.boolean(),
        (body, declared, end) => {
          feed([frame(body, declared)], end);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('corrupting any byte of a valid header never gives anything but a header or a TransportHeaderError', () => {
    fc.assert(
      fc.property(validHeader, fc.nat(), fc.integer({ min: 1, max: 255 }), (header, at, xor) => {
        const bytes = Buffer.from(encodeTransportHeader(header));
        bytes[at % bytes.length]! ^= xor;
        feed([bytes], true);
      }),
      { numRuns: 2000 },
    );
  });
});
