import fc from 'fast-check';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { durationFromMillis, durationToMillis } from '../../src/proto/duration.js';
import { wellKnown } from '../../src/proto/messages.js';
import { InvalidProtoValueError } from '../../src/proto/proto-errors.js';
import { readWire, varintOf } from './wire-reader.js';

const parts = (ms: number) => {
  const d = durationFromMillis(ms);
  return [Long.fromValue(d.seconds).toString(), d.nanos];
};

describe('durationFromMillis', () => {
  it.each([
    [0, '0', 0],
    [1500, '1', 500_000_000],
    [-1500, '-1', -500_000_000],
    [1.5, '0', 1_500_000],
    [-0.5, '0', -500_000],
    [0.000001, '0', 1],
    [0.0000004, '0', 0],
    [999.9999999, '1', 0],
    [86_400_000, '86400', 0],
    [315_576_000_000_000, '315576000000', 0],
  ])('%d ms → %s s %i ns', (ms, seconds, nanos) => {
    expect(parts(ms)).toEqual([seconds, nanos]);
  });

  it('encodes 1.5 s as seconds=1 (field 1) and nanos=500000000 (field 2), and -1.5 s with both negative', () => {
    const wire = (ms: number) =>
      readWire(wellKnown.Duration.encode(durationFromMillis(ms)).finish()).map((r) => [r.field, r.varint]);
    expect(wire(1500)).toEqual([
      [1, 1n],
      [2, 500_000_000n],
    ]);
    expect(wire(-1500)).toEqual([
      [1, varintOf(-1n)],
      [2, varintOf(-500_000_000n)],
    ]);
    expect(wire(0)).toEqual([]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -Infinity, 315_576_000_001_000, -315_576_000_001_000])(
    'rejects %d',
    (ms) => {
      expect(() => durationFromMillis(ms)).toThrow(InvalidProtoValueError);
    },
  );
});

describe('durationToMillis', () => {
  it('converts seconds and nanos, counting missing fields as 0', () => {
    expect(durationToMillis({ seconds: Long.fromNumber(2), nanos: 500_000_000 })).toBe(2500);
    expect(durationToMillis({ seconds: 3 })).toBe(3000);
    expect(durationToMillis({ nanos: 1_000_000 })).toBe(1);
    expect(durationToMillis({})).toBe(0);
    expect(durationToMillis({ seconds: Long.fromNumber(-1), nanos: -1 })).toBe(-1000.000001);
    expect(durationToMillis(wellKnown.Duration.decode(new Uint8Array()))).toBe(0);
  });

  it.each([
    [{ seconds: 1, nanos: -1 }, /same sign/],
    [{ seconds: -1, nanos: 1 }, /same sign/],
    [{ nanos: 1_000_000_000 }, /Duration\.nanos/],
    [{ nanos: 0.5 }, /Duration\.nanos/],
    [{ seconds: 315_576_000_001 }, /Duration\.seconds/],
    [{ seconds: Long.fromString('9007199254740993') }, /64-bit integer/],
  ])('rejects %j', (duration, message) => {
    expect(() => durationToMillis(duration)).toThrow(message);
    expect(() => durationToMillis(duration)).toThrow(InvalidProtoValueError);
  });

  it('round-trips whole milliseconds exactly and fractions to the nanosecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -315_576_000_000_000, max: 315_576_000_000_000 }), (ms) => {
        const decoded = wellKnown.Duration.decode(wellKnown.Duration.encode(durationFromMillis(ms)).finish());
        expect(durationToMillis(decoded)).toBe(ms);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (ms) => {
        expect(Math.abs(durationToMillis(durationFromMillis(ms)) - ms)).toBeLessThanOrEqual(
          1e-6 + Math.abs(ms) * 1e-15,
        );
      }),
    );
  });
});
