import { ConfigError } from '../errors/index.js';
import { dnsNameProblem } from './dns-name.js';
import { splitList } from './list.js';

const EXPECTED =
  'a comma-separated list of DNS suffixes, e.g. svc.cluster.local.,example.com (a lone "." matches every name)';

/**
 * A set of DNS suffixes, as in `LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES`. Suffixes are
 * compared case-insensitively and without their trailing dot; the root suffix `.` matches every
 * name. A suffix matches the name itself and any name below it on a label boundary, so
 * `cluster.local` matches `a.svc.cluster.local` but not `mycluster.local`.
 */
export class SuffixSet {
  readonly #suffixes: readonly string[];
  readonly #plain: readonly string[];
  readonly #dotted: readonly string[];
  readonly #root: boolean;

  /** Builds a set from suffixes (each normalised: lower case, no trailing dot; `.` or `""` is the root). */
  constructor(suffixes: Iterable<string> = []) {
    const set = new Set<string>();
    for (const s of suffixes) set.add(normalizeName(s));
    this.#root = set.has('');
    this.#suffixes = [...set].sort();
    this.#plain = this.#suffixes.filter((s) => s !== '');
    this.#dotted = this.#plain.map((s) => `.${s}`);
  }

  /** The normalised suffixes, sorted; the root is `""`. */
  get suffixes(): readonly string[] {
    return this.#suffixes;
  }

  /** The number of suffixes. */
  get size(): number {
    return this.#suffixes.length;
  }

  /** True when `name` equals or lies below one of the suffixes (case-insensitive, trailing dot ignored). */
  matches(name: string): boolean {
    if (this.#root) return true;
    const n = normalizeName(name);
    const plain = this.#plain;
    const dotted = this.#dotted;
    for (let i = 0; i < plain.length; i++) {
      if (n === plain[i] || n.endsWith(dotted[i]!)) return true;
    }
    return false;
  }

  /** The canonical text form: fully-qualified suffixes such as `svc.cluster.local.`, the root as `.`. */
  toString(): string {
    return this.#suffixes.map((s) => `${s}.`).join(',');
  }
}

/**
 * Parses a suffix list such as `svc.cluster.local.,.`. Entries are trimmed and empty entries
 * skipped (so `""` is the empty set), as linkerd2-proxy does.
 *
 * @throws {ConfigError} naming `variable` and the offending entry.
 */
export function parseSuffixSet(text: string, variable = 'suffixes'): SuffixSet {
  const suffixes: string[] = [];
  for (const entry of splitList(text)) {
    if (entry !== '.') {
      const problem = dnsNameProblem(entry);
      if (problem !== undefined) {
        throw new ConfigError(variable, text, `${EXPECTED}; ${JSON.stringify(entry)}: ${problem}`);
      }
    }
    suffixes.push(entry);
  }
  return new SuffixSet(suffixes);
}

function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
