import { parseGoDuration, parseNetwork, parseQuantity } from '@skein/core';
import type { EnvVar } from '../k8s/types.js';
import { parsePortList } from '../values/port-list.js';

/** The parsed value, or a problem description. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

/** A non-empty string. */
export function parseText(raw: string): Parsed<string> {
  return raw.trim() === '' ? bad('expected a non-empty string') : ok(raw);
}

/** Go's `strconv.ParseBool`: 1, t, T, TRUE, true, True and their false forms. */
export function parseGoBool(raw: string): Parsed<boolean> {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return ok(true);
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return ok(false);
  return bad('expected true or false');
}

/** `enabled` or `disabled`. */
export function parseEnabled(raw: string): Parsed<boolean> {
  if (raw === 'enabled') return ok(true);
  if (raw === 'disabled') return ok(false);
  return bad('expected enabled or disabled');
}

/** An integer, at least `min`. */
export function parseInteger(raw: string, min: number): Parsed<number> {
  if (!/^-?\d+$/.test(raw.trim())) return bad(`expected an integer ≥ ${min}`);
  const n = Number(raw.trim());
  return Number.isSafeInteger(n) && n >= min ? ok(n) : bad(`expected an integer ≥ ${min}`);
}

/** A TCP port 1-65535. */
export function parsePort(raw: string): Parsed<number> {
  const n = parseInteger(raw, 1);
  return n.ok && n.value <= 65535 ? n : bad('expected a port number 1-65535');
}

/** A comma-separated list of ports, ranges and (when allowed) port names, kept as written. */
export function parsePorts(raw: string, names: boolean): Parsed<string> {
  const parsed = parsePortList(raw, names);
  return typeof parsed === 'string' ? bad(`expected comma-separated ports or ranges; ${parsed}`) : ok(raw);
}

/** A Go duration, kept as written. */
export function parseDurationText(raw: string): Parsed<string> {
  try {
    parseGoDuration(raw);
    return ok(raw);
  } catch {
    return bad('expected a duration such as 100ms, 10s or 1m');
  }
}

/** A Go duration in whole seconds. */
export function parseDurationSeconds(raw: string): Parsed<number> {
  try {
    const ns = parseGoDuration(raw);
    if (ns < 0n) return bad('expected a non-negative duration');
    return ok(Number(ns / 1_000_000_000n));
  } catch {
    return bad('expected a duration such as 10s or 1m');
  }
}

/** A Kubernetes quantity, kept as written. */
export function parseQuantityText(raw: string): Parsed<string> {
  try {
    parseQuantity(raw);
    return ok(raw);
  } catch {
    return bad('expected a Kubernetes quantity such as 100m, 1 or 64Mi');
  }
}

/** One of `values`. */
export function parseOneOf(raw: string, values: readonly string[]): Parsed<string> {
  return values.includes(raw) ? ok(raw) : bad(`expected one of ${values.join(', ')}`);
}

/** A ratio in (0, 1]. */
export function parseRatio(raw: string): Parsed<number> {
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 1
    ? ok(n)
    : bad('expected a number in (0, 1]');
}

/** Comma-separated CIDRs, kept as written. */
export function parseCidrs(raw: string): Parsed<string> {
  for (const item of raw.split(',')) {
    if (item.trim() === '') continue;
    try {
      parseNetwork(item.trim());
    } catch {
      return bad(`expected comma-separated CIDRs; ${JSON.stringify(item.trim())} is not one`);
    }
  }
  return ok(raw);
}

/** A JSON list of Kubernetes EnvVar objects. */
export function parseEnvJson(raw: string): Parsed<EnvVar[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return bad('expected a JSON list of {"name": …, "value": …} objects');
  }
  if (!Array.isArray(parsed)) return bad('expected a JSON list of {"name": …, "value": …} objects');
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null || typeof (item as EnvVar).name !== 'string') {
      return bad('expected every item to be an object with a "name"');
    }
  }
  return ok(parsed as EnvVar[]);
}
