import { ConfigError } from '../errors/index.js';
import { splitList } from './list.js';

/** An inclusive range of ports. */
export interface PortRange {
  /** First port of the range. */
  readonly start: number;
  /** Last port of the range (inclusive). */
  readonly end: number;
}

/** The smallest and largest port a port list may name. */
export const MIN_PORT = 1;
/** The largest TCP port. */
export const MAX_PORT = 65535;

const EXPECTED = `a comma-separated list of ports and ranges, e.g. 80,8080-8090 (ports ${MIN_PORT}–${MAX_PORT}, range start ≤ end)`;

/**
 * A set of TCP ports, as in `LINKERD2_PROXY_INBOUND_PORTS`. Membership is one bit test in an
 * 8 KiB bitmap; the merged ranges are kept for iteration and formatting.
 */
export class PortSet implements Iterable<number> {
  readonly #bits = new Uint32Array(2048);
  readonly #ranges: readonly PortRange[];
  readonly #size: number;

  /**
   * Builds a set from ranges; overlapping and adjacent ranges are merged.
   *
   * @throws {RangeError} when a range is outside 0-65535 or has start > end (a programming error;
   * text input goes through {@link parsePortSet}, which throws {@link ConfigError}).
   */
  constructor(ranges: Iterable<PortRange> = []) {
    const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
    const merged: PortRange[] = [];
    let size = 0;
    for (const r of sorted) {
      if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end > MAX_PORT) {
        throw new RangeError(`port range ${r.start}-${r.end} is outside 0-${MAX_PORT}`);
      }
      if (r.start > r.end) throw new RangeError(`port range ${r.start}-${r.end} has start > end`);
      const last = merged[merged.length - 1];
      if (last !== undefined && r.start <= last.end + 1) {
        if (r.end > last.end) merged[merged.length - 1] = { start: last.start, end: r.end };
      } else {
        merged.push({ start: r.start, end: r.end });
      }
    }
    for (const r of merged) {
      size += r.end - r.start + 1;
      for (let p = r.start; p <= r.end; p++) this.#bits[p >>> 5]! |= 1 << (p & 31);
    }
    this.#ranges = merged;
    this.#size = size;
  }

  /** True when `port` is in the set. Non-integers and out-of-range numbers give false. */
  has(port: number): boolean {
    if (!(port >= 0 && port <= MAX_PORT) || (port | 0) !== port) return false;
    return (this.#bits[port >>> 5]! & (1 << (port & 31))) !== 0;
  }

  /** The number of ports in the set. */
  get size(): number {
    return this.#size;
  }

  /** The merged ranges in ascending order. */
  get ranges(): readonly PortRange[] {
    return this.#ranges;
  }

  /** Iterates the ports in ascending order. */
  *[Symbol.iterator](): Iterator<number> {
    for (const r of this.#ranges) {
      for (let p = r.start; p <= r.end; p++) yield p;
    }
  }

  /** The canonical text form, e.g. `80,8080-8090`; an empty set gives `""`. */
  toString(): string {
    return this.#ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(',');
  }
}

/**
 * Parses a port list such as `80,8080-8090`. As in linkerd2-proxy, entries and range bounds are
 * trimmed and empty entries are skipped (so `""` is the empty set). Ports must be 1–65535: port 0
 * is never a real destination, so it is refused here although linkerd2-proxy's `u16` parse lets
 * it through.
 *
 * @throws {ConfigError} naming `variable` and the offending entry.
 */
export function parsePortSet(text: string, variable = 'ports'): PortSet {
  const ranges: PortRange[] = [];
  for (const entry of splitList(text)) {
    const dash = entry.indexOf('-');
    const start = parsePortNumber(dash < 0 ? entry : entry.slice(0, dash).trim());
    const end = dash < 0 ? start : parsePortNumber(entry.slice(dash + 1).trim());
    if (start === undefined || end === undefined) {
      throw new ConfigError(variable, text, `${EXPECTED}; ${JSON.stringify(entry)} is not a port or range`);
    }
    if (start > end) {
      throw new ConfigError(variable, text, `${EXPECTED}; range ${JSON.stringify(entry)} has start > end`);
    }
    ranges.push({ start, end });
  }
  return new PortSet(ranges);
}

function parsePortNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= MIN_PORT && n <= MAX_PORT ? n : undefined;
}
