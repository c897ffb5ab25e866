import Long from 'long';
import { InvalidProtoValueError } from './proto-errors.js';

/**
 * A 64-bit protobuf integer as the generated code may hold it: a `Long` after decoding, or a
 * plain number when a caller built the message by hand.
 */
export type Int64Like = Long | number;

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Converts a 64-bit field value to an exact `bigint` (signedness as the `Long` says). */
export function longToBigInt(value: Int64Like): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidProtoValueError('64-bit integer', String(value), 'a safe integer or a Long');
    }
    return BigInt(value);
  }
  const low = BigInt(value.low >>> 0);
  const high = BigInt(value.high >>> 0);
  const bits = (high << 32n) | low;
  return value.unsigned ? bits : BigInt.asIntN(64, bits);
}

/**
 * Converts a `bigint` to a `Long` for a `uint64`/`fixed64` field (`unsigned = true`) or an
 * `int64` field. Throws if the value does not fit.
 */
export function bigIntToLong(value: bigint, unsigned = true): Long {
  const [min, max] = unsigned ? [0n, U64_MAX] : [I64_MIN, I64_MAX];
  if (value < min || value > max) {
    throw new InvalidProtoValueError(
      unsigned ? 'uint64' : 'int64',
      value.toString(),
      `an integer in ${min}..${max}`,
    );
  }
  const bits = BigInt.asUintN(64, value);
  return Long.fromBits(Number(bits & 0xffffffffn) | 0, Number(bits >> 32n) | 0, unsigned);
}

/**
 * Converts a 64-bit field value to a `number`, throwing rather than rounding when it is beyond
 * `Number.MAX_SAFE_INTEGER`. Use for counts and seconds that are small in practice.
 */
export function longToNumber(value: Int64Like): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidProtoValueError('64-bit integer', String(value), 'a safe integer');
    }
    return value;
  }
  const big = longToBigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidProtoValueError('64-bit integer', big.toString(), 'a value within ±2^53-1');
  }
  return Number(big);
}
