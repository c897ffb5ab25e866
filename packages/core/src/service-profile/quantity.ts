import { ConfigError } from '../errors/index.js';

/** How a Kubernetes quantity was written, which decides how it is printed back. */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/**
 * A Kubernetes resource quantity (`500m`, `64Mi`, `1e3`), held exactly as an integer number of
 * nano-units so that canonical printing never loses or invents precision.
 */
export interface Quantity {
  /** The value in units of 10^-9, rounded up (away from zero) as Kubernetes does. */
  readonly nano: bigint;
  /** The suffix family the value was written in. */
  readonly format: QuantityFormat;
}

const EXPECTED =
  'a Kubernetes quantity: a number with an optional suffix (n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) or exponent (e.g. 500m, 64Mi, 1.5, 1e3)';
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BINARY_POWERS: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXPONENTS: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const DECIMAL_SUFFIXES = new Map<number, string>([
  [-9, 'n'],
  [-6, 'u'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
  [12, 'T'],
  [15, 'P'],
  [18, 'E'],
]);
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
/** Exponents past this are refused: Kubernetes cannot store them in an int64 either. */
const MAX_EXPONENT = 30;
const NANO = 1_000_000_000n;

/** Divides rounding away from zero, the direction Kubernetes rounds quantities. */
function divCeilAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : n < 0n ? q - 1n : q + 1n;
}

/**
 * Parses a Kubernetes quantity. Numbers (YAML `cpu: 0.5`) are accepted as their decimal text.
 *
 * @throws {ConfigError} naming `field`, the value and the expected form.
 */
export function parseQuantity(text: string | number, field = 'quantity'): Quantity {
  const source = typeof text === 'number' ? numberText(text, field) : text.trim();
  const m = QUANTITY.exec(source);
  if (m === null || (m[2] === '' && (m[3] ?? '') === ''))
    throw new ConfigError(field, String(text), EXPECTED);
  const negative = m[1] === '-';
  const whole = m[2] ?? '';
  const frac = m[3] ?? '';
  const suffix = m[4] ?? '';
  let digits = BigInt(`${whole}${frac}` || '0');
  let format: QuantityFormat = 'DecimalSI';
  let exponent = -frac.length;
  let binaryPower = 0;
  if (suffix in BINARY_POWERS) {
    format = 'BinarySI';
    binaryPower = BINARY_POWERS[suffix]!;
  } else if (suffix.startsWith('e') || suffix.startsWith('E')) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1));
    if (Math.abs(e) > MAX_EXPONENT)
      throw new ConfigError(field, String(text), `${EXPECTED}; exponent too large`);
    exponent += e;
  } else if (suffix !== '') {
    exponent += DECIMAL_EXPONENTS[suffix]!;
  }
  digits *= 1024n ** BigInt(binaryPower);
  const shift = exponent + 9;
  const nano = shift >= 0 ? digits * 10n ** BigInt(shift) : divCeilAway(digits, 10n ** BigInt(-shift));
  return { nano: negative ? -nano : nano, format };
}

function numberText(n: number, field: string): string {
  if (!Number.isFinite(n)) throw new ConfigError(field, String(n), EXPECTED);
  // Exponent notation from Number#toString ("1e+21") is valid quantity syntax once the "+" goes.
  return String(n).replace('e+', 'e');
}

/**
 * Prints a quantity in Kubernetes' canonical form: `0.5` → `500m`, `1000m` → `1`, `12000` →
 * `12k`, `1.5Gi` → `1536Mi`. Binary values below 1Ki or with a fraction print in decimal form.
 */
export function formatQuantity(q: Quantity): string {
  const { nano, format } = q;
  if (nano === 0n) return '0';
  const abs = nano < 0n ? -nano : nano;
  const sign = nano < 0n ? '-' : '';
  if (format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let v = abs / NANO;
    let power = 0;
    while (power < 6 && v % 1024n === 0n) {
      v /= 1024n;
      power += 1;
    }
    return `${sign}${v}${BINARY_SUFFIXES[power]}`;
  }
  let e3 = 18;
  while (e3 > -9 && abs % 10n ** BigInt(e3 + 9) !== 0n) e3 -= 3;
  const mantissa = abs / 10n ** BigInt(e3 + 9);
  if (format === 'DecimalExponent') return `${sign}${mantissa}${e3 === 0 ? '' : `e${e3}`}`;
  return `${sign}${mantissa}${DECIMAL_SUFFIXES.get(e3)}`;
}

/**
 * The canonical text of a quantity, as the Kubernetes API server would store it.
 *
 * @throws {ConfigError} when `text` is not a quantity.
 */
export function canonicalQuantity(text: string | number, field = 'quantity'): string {
  return formatQuantity(parseQuantity(text, field));
}

/** The value in thousandths, rounded up as Kubernetes' `MilliValue()` does. */
export function quantityMilliValue(q: Quantity): bigint {
  return divCeilAway(q.nano, 1_000_000n);
}

/** The value in whole units, rounded up (Kubernetes' `Value()`): `500m` → 1, `1500m` → 2. */
export function quantityCeilValue(q: Quantity): bigint {
  return divCeilAway(q.nano, NANO);
}
