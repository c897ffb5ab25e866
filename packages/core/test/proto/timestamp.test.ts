import fc from 'fast-check';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { wellKnown } from '../../src/proto/messages.js';
import { InvalidProtoValueError } from '../../src/proto/proto-errors.js';
import { timestampFromDate, timestampToDate } from '../../src/proto/timestamp.js';

const MIN_MS = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

describe('timestamps', () => {
  it.each([
    ['1970-01-01T00:00:00.000Z', '0', 0],
    ['1970-01-01T00:00:01.500Z', '1', 500_000_000],
    ['1969-12-31T23:59:58.500Z', '-2', 500_000_000],
    ['2026-08-01T12:34:56.789Z', '1785587696', 789_000_000],
    ['0001-01-01T00:00:00.000Z', '-62135596800', 0],
    ['9999-12-31T23:59:59.999Z', '253402300799', 999_000_000],
  ])('%s is %s s + %i ns', (iso, seconds, nanos) => {
    const ts = timestampFromDate(new Date(iso));
    expect([Long.fromValue(ts.seconds).toString(), ts.nanos]).toEqual([seconds, nanos]);
    const decoded = wellKnown.Timestamp.decode(wellKnown.Timestamp.encode(ts).finish());
    expect(timestampToDate(decoded).toISOString()).toBe(iso);
  });

  it('drops precision below a millisecond, towards the past', () => {
    expect(timestampToDate({ seconds: 1, nanos: 1_999_999 }).getTime()).toBe(1001);
    expect(timestampToDate({ seconds: -1, nanos: 999_999_999 }).getTime()).toBe(-1);
    expect(timestampToDate({}).getTime()).toBe(0);
  });

  it('rejects invalid dates and out-of-range timestamps', () => {
    expect(() => timestampFromDate(new Date(Number.NaN))).toThrow(InvalidProtoValueError);
    expect(() => timestampFromDate(new Date(MAX_MS + 1))).toThrow(/years 1–9999/);
    expect(() => timestampFromDate(new Date(MIN_MS - 1))).toThrow(/years 1–9999/);
    expect(() => timestampToDate({ nanos: -1 })).toThrow(/Timestamp\.nanos/);
    expect(() => timestampToDate({ nanos: 1_000_000_000 })).toThrow(/Timestamp\.nanos/);
    expect(() => timestampToDate({ seconds: 253402300800 })).toThrow(/Timestamp\.seconds/);
    expect(() => timestampToDate({ seconds: -62135596801 })).toThrow(/Timestamp\.seconds/);
  });

  it('round-trips every representable millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_MS, max: MAX_MS }), (ms) => {
        const ts = timestampFromDate(new Date(ms));
        expect(ts.nanos).toBeGreaterThanOrEqual(0);
        expect(ts.nanos).toBeLessThan(1_000_000_000);
        const decoded = wellKnown.Timestamp.decode(wellKnown.Timestamp.encode(ts).finish());
        expect(timestampToDate(decoded).getTime()).toBe(ms);
      }),
    );
  });
});
