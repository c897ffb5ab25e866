import { ConfigError } from '../errors/index.js';

const EXPECTED = 'a duration: an integer followed by ms, s, m, h or d (e.g. 500ms, 10s, 5m), or 0';

/** A duration unit accepted by {@link parseDuration}. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;

/**
 * Parses a Linkerd duration (`\d+(ms|s|m|h|d)`, or a bare `0`) into milliseconds. Floats,
 * signs, spaces between the number and the unit, and other units are refused. Whitespace around
 * the value is ignored, as linkerd2-proxy does. Values past `Number.MAX_SAFE_INTEGER` ms are
 * refused rather than rounded.
 *
 * @throws {ConfigError} naming `variable`, the value and the expected form.
 */
export function parseDuration(text: string, variable = 'duration'): number {
  const m = DURATION.exec(text.trim());
  if (m === null) throw new ConfigError(variable, text, EXPECTED);
  const digits = m[1]!;
  const unit = m[2] as DurationUnit | undefined;
  if (unit === undefined) {
    if (/^0+$/.test(digits)) return 0;
    throw new ConfigError(variable, text, `${EXPECTED}; a unit is required unless the value is 0`);
  }
  const ms = Number(digits) * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) {
    throw new ConfigError(variable, text, `${EXPECTED}; the value is too large`);
  }
  return ms;
}

/**
 * Formats milliseconds as a Linkerd duration using the largest unit that divides it exactly
 * (`90000` → `90s`, `120000` → `2m`, `0` → `0`), so `parseDuration(formatDuration(ms)) === ms`.
 *
 * @throws {RangeError} when `ms` is not a non-negative safe integer.
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`duration must be a non-negative safe integer of milliseconds, got ${ms}`);
  }
  if (ms === 0) return '0';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
