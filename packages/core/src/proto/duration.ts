import Long from 'long';
import { google } from './gen/linkerd.js';
import { type Int64Like, longToNumber } from './long-conversion.js';
import { InvalidProtoValueError } from './proto-errors.js';

const DurationMessage = google.protobuf.Duration;
/** ±10,000 years, the range `google.protobuf.Duration` allows. */
const MAX_SECONDS = 315_576_000_000;
const NANOS_PER_SECOND = 1_000_000_000;

/**
 * A `google.protobuf.Duration` or a plain object shaped like one; `seconds` may be a `Long` or a
 * safe-integer number.
 */
export interface DurationLike {
  /** Whole seconds, signed. */
  seconds?: Int64Like | null;
  /** Nanoseconds, -999,999,999..999,999,999, with the sign of `seconds`. */
  nanos?: number | null;
}

/**
 * Converts milliseconds (fractions allowed, rounded to the nanosecond; negative allowed) to a
 * `google.protobuf.Duration`, with `seconds` and `nanos` of the same sign as the protobuf
 * contract requires.
 * @throws {@link InvalidProtoValueError} for NaN, infinities and values beyond ±10,000 years.
 */
export function durationFromMillis(ms: number): google.protobuf.Duration {
  const expected = `finite milliseconds within ±${MAX_SECONDS * 1000}`;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new InvalidProtoValueError('duration', String(ms), expected);
  }
  let seconds = Math.trunc(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1_000_000);
  if (Math.abs(nanos) >= NANOS_PER_SECOND) {
    seconds += Math.sign(nanos);
    nanos -= Math.sign(nanos) * NANOS_PER_SECOND;
  }
  if (Math.abs(seconds) > MAX_SECONDS) {
    throw new InvalidProtoValueError('duration', String(ms), expected);
  }
  // -0 would make `seconds` and `nanos` disagree in sign for the encoder's zero checks.
  return DurationMessage.create({ seconds: Long.fromNumber(seconds + 0), nanos: nanos + 0 });
}

/**
 * Converts a `google.protobuf.Duration` to milliseconds (fractional below 1 ms). Missing fields
 * count as 0.
 * @throws {@link InvalidProtoValueError} when `nanos` is out of range or its sign disagrees with `seconds`.
 */
export function durationToMillis(duration: DurationLike): number {
  const seconds = longToNumber(duration.seconds ?? 0);
  const nanos = duration.nanos ?? 0;
  if (Math.abs(seconds) > MAX_SECONDS) {
    throw new InvalidProtoValueError('Duration.seconds', String(seconds), `a value within ±${MAX_SECONDS}`);
  }
  if (!Number.isInteger(nanos) || Math.abs(nanos) >= NANOS_PER_SECOND) {
    throw new InvalidProtoValueError('Duration.nanos', String(nanos), 'an integer within ±999,999,999');
  }
  if ((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    throw new InvalidProtoValueError(
      'Duration',
      `seconds=${seconds} nanos=${nanos}`,
      'seconds and nanos of the same sign',
    );
  }
  return seconds * 1000 + nanos / 1_000_000;
}
