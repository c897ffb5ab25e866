import { ConfigError } from '../errors/index.js';

/**
 * Parses `true` or `false` (exactly, as Rust's `bool::from_str` in linkerd2-proxy does).
 *
 * @throws {ConfigError} naming `variable` for anything else.
 */
export function parseBool(text: string, variable = 'boolean'): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(variable, text, 'true or false');
}

/** Inclusive bounds for {@link parseUint} and {@link parseFloatInRange}. */
export interface NumberRange {
  /** Smallest accepted value (default 0 for integers, -Infinity for floats). */
  readonly min?: number;
  /** Largest accepted value (default `Number.MAX_SAFE_INTEGER` for integers, Infinity for floats). */
  readonly max?: number;
}

/**
 * Parses an unsigned decimal integer (digits only: no sign, no spaces, no exponent) within
 * `range` (default 0 to `Number.MAX_SAFE_INTEGER`).
 *
 * @throws {ConfigError} naming `variable`, the value and the accepted range.
 */
export function parseUint(text: string, variable = 'integer', range: NumberRange = {}): number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected = `an unsigned integer in ${min}–${max}`;
  if (!/^\d+$/.test(text)) throw new ConfigError(variable, text, expected);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(variable, text, expected);
  return n;
}

const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Parses a finite decimal number (`0.1`, `1`, `2.5e-3`) within `range`; `NaN`, `inf`, hex and
 * spaces are refused.
 *
 * @throws {ConfigError} naming `variable`, the value and the accepted range.
 */
export function parseFloatInRange(text: string, variable = 'number', range: NumberRange = {}): number {
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const expected = `a decimal number${describeRange(min, max)}`;
  if (!FLOAT.test(text)) throw new ConfigError(variable, text, expected);
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(variable, text, expected);
  return n;
}

/** Options for {@link parseEnum}. */
export interface EnumOptions {
  /** Accept any letter case (e.g. `PLAIN` and `plain`); the canonical spelling is returned. */
  readonly ignoreCase?: boolean;
}

/**
 * Parses one of `values`, returning the canonical spelling from `values`.
 *
 * @throws {ConfigError} naming `variable` and listing the accepted values.
 */
export function parseEnum<const T extends string>(
  text: string,
  values: readonly T[],
  variable = 'value',
  options: EnumOptions = {},
): T {
  const wanted = options.ignoreCase === true ? text.toLowerCase() : text;
  for (const v of values) {
    if ((options.ignoreCase === true ? v.toLowerCase() : v) === wanted) return v;
  }
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  throw new ConfigError(variable, text, `one of ${list}${options.ignoreCase === true ? ' (any case)' : ''}`);
}

function describeRange(min: number, max: number): string {
  if (min === Number.NEGATIVE_INFINITY && max === Number.POSITIVE_INFINITY) return '';
  if (min === Number.NEGATIVE_INFINITY) return ` ≤ ${max}`;
  if (max === Number.POSITIVE_INFINITY) return ` ≥ ${min}`;
  return ` in ${min}–${max}`;
}
