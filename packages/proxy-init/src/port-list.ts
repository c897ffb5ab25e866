import { ConfigError, MAX_PORT, MIN_PORT, type PortRange, splitList } from '@skein/core';

/** iptables' `multiport` match takes at most this many port references (a range counts 2). */
export const MULTIPORT_LIMIT = 15;

const EXPECTED = `ports or ranges such as 4190,4191 or 6000-8000 (ports ${MIN_PORT}–${MAX_PORT}, range start ≤ end)`;

/**
 * Parses port lists as linkerd2-proxy-init's `--inbound-ports-to-ignore` takes them: each entry
 * may hold several comma-separated ports or `a-b` ranges. Unlike `parsePortSet` in
 * `@skein/core`, order and duplicates are kept, because the rules (and their comments) list the
 * ports exactly as they were given.
 *
 * @throws {ConfigError} naming `flag` and the offending entry.
 */
export function parsePortList(entries: readonly string[], flag: string): PortRange[] {
  const out: PortRange[] = [];
  for (const text of entries) {
    for (const entry of splitList(text)) {
      const dash = entry.indexOf('-');
      const start = parsePort(dash < 0 ? entry : entry.slice(0, dash).trim());
      const end = dash < 0 ? start : parsePort(entry.slice(dash + 1).trim());
      if (start === undefined || end === undefined) {
        throw new ConfigError(flag, text, `${EXPECTED}; ${JSON.stringify(entry)} is not a port or range`);
      }
      if (start > end) {
        throw new ConfigError(flag, text, `${EXPECTED}; range ${JSON.stringify(entry)} has start > end`);
      }
      out.push({ start, end });
    }
  }
  return out;
}

/**
 * Parses `--ports-to-redirect` entries: single ports only (as linkerd2-proxy-init's integer
 * list), each entry a number or a comma-separated list.
 *
 * @throws {ConfigError} naming `flag` and the offending entry.
 */
export function parsePortNumbers(entries: readonly (number | string)[], flag: string): number[] {
  const out: number[] = [];
  for (const item of entries) {
    const text = String(item);
    for (const entry of splitList(text)) {
      const port = parsePort(entry);
      if (port === undefined) {
        throw new ConfigError(
          flag,
          text,
          `ports ${MIN_PORT}–${MAX_PORT} such as 8080,9090 (no ranges); ${JSON.stringify(entry)} is not a port`,
        );
      }
      out.push(port);
    }
  }
  return out;
}

/**
 * Splits ports into `--dports` lists of at most `limit` references, in order: a single port
 * counts 1 and a range `a:b` counts 2, and a group closes before the entry that would pass the
 * limit.
 */
export function multiportGroups(ports: readonly PortRange[], limit = MULTIPORT_LIMIT): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let count = 0;
  for (const { start, end } of ports) {
    const weight = start === end ? 1 : 2;
    if (count + weight > limit && current.length > 0) {
      groups.push(current);
      current = [];
      count = 0;
    }
    current.push(start === end ? `${start}` : `${start}:${end}`);
    count += weight;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Parses one decimal port in 1–65535, or gives undefined. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= MIN_PORT && n <= MAX_PORT ? n : undefined;
}
