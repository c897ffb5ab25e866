import { ConfigError } from '../errors/index.js';

const EXPECTED =
  'a Go duration: numbers with units ns, us, ms, s, m or h, optionally signed and fractional (e.g. 300ms, 1.5h, 2h45m), or 0';
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TERM = /(\d*)(?:\.(\d*))?(ns|us|\u00B5s|\u03BCs|ms|s|m|h)/y;
const MAX_INT64 = 9_223_372_036_854_775_807n;

/**
 * Parses a duration in Go's `time.ParseDuration` syntax (the form Kubernetes CRDs such as
 * ServiceProfile `timeout` and `ttl` use) into nanoseconds. Values past the int64 range are
 * refused, as Go refuses them.
 *
 * @throws {ConfigError} naming `field`, the value and the expected form.
 */
export function parseGoDuration(text: string, field = 'duration'): bigint {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new ConfigError(field, text, EXPECTED);
  let total = 0n;
  let at = 0;
  while (at < s.length) {
    TERM.lastIndex = at;
    const m = TERM.exec(s);
    if (m === null) throw new ConfigError(field, text, EXPECTED);
    const whole = m[1] ?? '';
    const frac = m[2] ?? '';
    if (whole === '' && frac === '') throw new ConfigError(field, text, EXPECTED);
    const unit = UNIT_NS[m[3]!]!;
    const scale = 10n ** BigInt(frac.length);
    // Go truncates the fractional part below one nanosecond.
    total += BigInt(whole || '0') * unit + (BigInt(frac || '0') * unit) / scale;
    if (total > MAX_INT64)
      throw new ConfigError(field, text, `${EXPECTED}; the value overflows int64 nanoseconds`);
    at = TERM.lastIndex;
  }
  return negative ? -total : total;
}
