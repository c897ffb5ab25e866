import Long from 'long';
import { google } from './gen/linkerd.js';
import { type Int64Like, longToNumber } from './long-conversion.js';
import { InvalidProtoValueError } from './proto-errors.js';

const TimestampMessage = google.protobuf.Timestamp;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range `google.protobuf.Timestamp` allows. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

/**
 * A `google.protobuf.Timestamp` or a plain object shaped like one; `seconds` may be a `Long` or a
 * safe-integer number.
 */
export interface TimestampLike {
  /** Seconds since 1970-01-01T00:00:00Z. */
  seconds?: Int64Like | null;
  /** Nanoseconds within the second, 0..999,999,999. */
  nanos?: number | null;
}

/**
 * Converts a `Date` to a `google.protobuf.Timestamp` (seconds since the epoch, `nanos` in
 * 0..999,999,999 even before 1970).
 * @throws {@link InvalidProtoValueError} for an invalid date or one outside years 1–9999.
 */
export function timestampFromDate(date: Date): google.protobuf.Timestamp {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  const seconds = Math.floor(ms / 1000);
  if (!Number.isFinite(ms) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new InvalidProtoValueError('timestamp', String(date), 'a valid Date in years 1–9999');
  }
  return TimestampMessage.create({
    seconds: Long.fromNumber(seconds),
    nanos: (ms - seconds * 1000) * 1_000_000,
  });
}

/**
 * Converts a `google.protobuf.Timestamp` to a `Date`; precision below 1 ms is dropped
 * (rounded towards the past). Missing fields count as 0.
 * @throws {@link InvalidProtoValueError} when `nanos` or `seconds` is out of range.
 */
export function timestampToDate(timestamp: TimestampLike): Date {
  const seconds = longToNumber(timestamp.seconds ?? 0);
  const nanos = timestamp.nanos ?? 0;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new InvalidProtoValueError('Timestamp.seconds', String(seconds), `${MIN_SECONDS}..${MAX_SECONDS}`);
  }
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new InvalidProtoValueError('Timestamp.nanos', String(nanos), 'an integer in 0..999,999,999');
  }
  return new Date(seconds * 1000 + Math.floor(nanos / 1_000_000));
}
