import { ConfigError } from '../errors/index.js';
import { LOG_LEVEL_VALUES } from './logger.js';

/** A filter level: the least severe level enabled, or `off`. */
export type FilterLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off';

/** linkerd2-proxy's default `LINKERD2_PROXY_LOG`. */
export const DEFAULT_LOG_FILTER = 'warn,linkerd=info,hickory=error';

const FILTER_LEVELS: readonly FilterLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'off'];

const EXPECTED =
  'a comma-separated EnvFilter such as "warn,linkerd=info,hickory=error": each directive is a level ' +
  '(trace, debug, info, warn, error, off), target=level, a bare target, or a [span{field}]=level directive';

const TARGET = /^[A-Za-z_][A-Za-z0-9_-]*(::[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** One target directive of a {@link LogFilter}. */
export interface TargetDirective {
  /** The target as written, e.g. `linkerd` or `skein::proxy`. */
  readonly target: string;
  /** The Skein target it applies to after mapping (`linkerd` → `skein`). */
  readonly skeinTarget: string;
  /** The level it enables. */
  readonly level: FilterLevel;
}

/**
 * Maps a Linkerd tracing target onto Skein's: `linkerd` and `linkerd2_proxy` become `skein`, and
 * `linkerd::x::y` / `linkerd2_proxy::x::y` become `skein::x::y`. Other targets (`skein::…`,
 * `hickory`, `h2`) are kept as they are. Linkerd crate names such as `linkerd_app_inbound` have
 * no Skein equivalent and are kept unchanged, so they match nothing.
 */
export function mapLinkerdTarget(target: string): string {
  for (const prefix of ['linkerd2_proxy', 'linkerd']) {
    if (target === prefix) return 'skein';
    if (target.startsWith(`${prefix}::`)) return `skein${target.slice(prefix.length)}`;
  }
  return target;
}

/**
 * A parsed `LINKERD2_PROXY_LOG` filter (tracing-subscriber's EnvFilter syntax). `levelFor`
 * picks the directive whose target is the longest `::`-segment prefix of the asked target, else
 * the bare default level, else `off`. Span directives (`[{headers}]=off`, `t[span]=debug`) are
 * validated and kept in `toString()` but do not affect levels: Skein has no spans. A filter is
 * immutable; swap filters at runtime with {@link ReloadableLogFilter}.
 */
export class LogFilter {
  /** The default level from a bare level directive, or `off` when there is none. */
  readonly defaultLevel: FilterLevel;
  /** Target directives, longest Skein target first (later duplicates replace earlier ones). */
  readonly directives: readonly TargetDirective[];
  /** Span directives, kept verbatim. */
  readonly spanDirectives: readonly string[];
  readonly #text: string;
  readonly #cache = new Map<string, FilterLevel>();

  private constructor(
    text: string,
    defaultLevel: FilterLevel,
    directives: TargetDirective[],
    spans: string[],
  ) {
    this.#text = text;
    this.defaultLevel = defaultLevel;
    this.directives = directives;
    this.spanDirectives = spans;
  }

  /**
   * Parses an EnvFilter string. Level names are case-insensitive; a target without a level
   * enables `trace` for it, as in EnvFilter.
   *
   * @throws {ConfigError} naming `variable`, the filter and the bad directive.
   */
  static parse(text: string, variable = 'log filter'): LogFilter {
    const fail = (why: string): never => {
      throw new ConfigError(variable, text, `${EXPECTED}; ${why}`);
    };
    const parts = splitDirectives(text);
    if (parts === undefined) fail('brackets, braces or quotes are not balanced');
    const canonical: string[] = [];
    const byTarget = new Map<string, TargetDirective>();
    const spans: string[] = [];
    let defaultLevel: FilterLevel = 'off';
    for (const raw of parts!) {
      const d = raw.trim();
      if (d === '') continue;
      const eq = d.lastIndexOf('=');
      const isSpan = d.includes('[') || d.includes('{');
      const head = eq >= 0 && (!isSpan || d.lastIndexOf(']') < eq) ? d.slice(0, eq) : d;
      const levelText = head === d ? undefined : d.slice(eq + 1).trim();
      const level = levelText === undefined ? undefined : parseLevel(levelText);
      if (levelText !== undefined && level === undefined) {
        fail(`${JSON.stringify(levelText)} in ${JSON.stringify(d)} is not a level`);
      }
      if (isSpan) {
        if (!/^[A-Za-z0-9_:-]*\[.*\]$/.test(head.trim()))
          fail(`${JSON.stringify(d)} is not a span directive`);
        spans.push(d);
        canonical.push(level === undefined ? head.trim() : `${head.trim()}=${level}`);
        continue;
      }
      const target = head.trim();
      if (levelText === undefined) {
        const bare = parseLevel(target);
        if (bare !== undefined) {
          defaultLevel = bare;
          canonical.push(bare);
          continue;
        }
      }
      if (!TARGET.test(target)) fail(`${JSON.stringify(target)} in ${JSON.stringify(d)} is not a target`);
      const skeinTarget = mapLinkerdTarget(target);
      byTarget.delete(skeinTarget);
      byTarget.set(skeinTarget, { target, skeinTarget, level: level ?? 'trace' });
      canonical.push(level === undefined ? target : `${target}=${level}`);
    }
    if (canonical.length === 0) fail('the filter has no directive');
    const directives = [...byTarget.values()].sort((a, b) => b.skeinTarget.length - a.skeinTarget.length);
    return new LogFilter(canonical.join(','), defaultLevel, directives, spans);
  }

  /** The level enabled for `target` (e.g. `skein::proxy::inbound`); `''` asks for the default. */
  levelFor(target: string): FilterLevel {
    const cached = this.#cache.get(target);
    if (cached !== undefined) return cached;
    let level = this.defaultLevel;
    for (const d of this.directives) {
      const t = d.skeinTarget;
      if (target === t || (target.startsWith(t) && target.startsWith('::', t.length))) {
        level = d.level;
        break;
      }
    }
    // Targets are a small fixed set in practice; the bound only guards against misuse.
    if (this.#cache.size >= 4096) this.#cache.clear();
    this.#cache.set(target, level);
    return level;
  }

  /** True when a line at `level` for `target` passes the filter. */
  enabled(target: string, level: keyof typeof LOG_LEVEL_VALUES): boolean {
    return LOG_LEVEL_VALUES[level] >= filterThreshold(this.levelFor(target));
  }

  /** The filter in canonical form (directives in the order given, levels in lower case). */
  toString(): string {
    return this.#text;
  }
}

/** The smallest pino level value a filter level lets through (`Infinity` for `off`). */
export function filterThreshold(level: FilterLevel): number {
  return level === 'off' ? Number.POSITIVE_INFINITY : LOG_LEVEL_VALUES[level];
}

function parseLevel(text: string): FilterLevel | undefined {
  const lower = text.toLowerCase();
  return (FILTER_LEVELS as readonly string[]).includes(lower) ? (lower as FilterLevel) : undefined;
}

/** Splits on commas outside brackets, braces and double quotes; undefined when unbalanced. */
function splitDirectives(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth < 0) return undefined;
    } else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || quoted) return undefined;
  out.push(text.slice(start));
  return out;
}
