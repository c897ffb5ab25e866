import fc from 'fast-check';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { bigIntToLong, longToBigInt, longToNumber } from '../../src/proto/long-conversion.js';
import { tap } from '../../src/proto/messages.js';
import { InvalidProtoValueError } from '../../src/proto/proto-errors.js';

describe('64-bit conversions', () => {
  it('converts the extremes exactly', () => {
    expect(longToBigInt(Long.MAX_UNSIGNED_VALUE)).toBe(2n ** 64n - 1n);
    expect(longToBigInt(Long.MIN_VALUE)).toBe(-(2n ** 63n));
    expect(longToBigInt(Long.MAX_VALUE)).toBe(2n ** 63n - 1n);
    expect(longToBigInt(42)).toBe(42n);
    expect(bigIntToLong(2n ** 64n - 1n).toString()).toBe('18446744073709551615');
    expect(bigIntToLong(-(2n ** 63n), false).toString()).toBe('-9223372036854775808');
  });

  it('rejects values that do not fit', () => {
    expect(() => bigIntToLong(2n ** 64n)).toThrow(InvalidProtoValueError);
    expect(() => bigIntToLong(-1n)).toThrow(/uint64/);
    expect(() => bigIntToLong(2n ** 63n, false)).toThrow(/int64/);
    expect(() => longToBigInt(2 ** 53)).toThrow(/safe integer/);
    expect(() => longToNumber(Long.fromString('9007199254740992'))).toThrow(/±2\^53-1/);
    expect(() => longToNumber(1.5)).toThrow(InvalidProtoValueError);
    expect(longToNumber(Long.fromString('9007199254740991', true))).toBe(Number.MAX_SAFE_INTEGER);
    expect(longToNumber(Long.fromNumber(-7))).toBe(-7);
  });

  it('round-trips every uint64 and int64 through a decoded message', () => {
    const { StreamId } = tap.TapEvent.Http;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (value) => {
        const decoded = StreamId.decode(StreamId.encode({ stream: bigIntToLong(value) }).finish());
        expect(longToBigInt(decoded.stream)).toBe(value);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        expect(longToBigInt(bigIntToLong(value, false))).toBe(value);
      }),
    );
  });
});
