import { ConfigError } from '../errors/index.js';
import { AggregateConfigError, MissingConfigError } from './config-errors.js';
import { parseDuration } from './duration.js';
import { type NetworkSet, parseNetworkSet } from './network-set.js';
import { type PortSet, parsePortSet } from './port-set.js';
import {
  type EnumOptions,
  type NumberRange,
  parseBool,
  parseEnum,
  parseFloatInRange,
  parseUint,
} from './scalars.js';
import { type HostPort, parseAddr, parseSocketAddr, parseSocketAddrList } from './socket-addr.js';
import { parseSuffixSet, type SuffixSet } from './suffix-set.js';

/** Turns the text of a setting into a value, throwing {@link ConfigError} (naming `variable`) when it cannot. */
export type Parser<T> = (text: string, variable: string) => T;

/** Options for {@link EnvConfig}. */
export interface EnvConfigOptions {
  /** Prepended to every key, e.g. `LINKERD2_PROXY_`, so getters take the short name. */
  readonly prefix?: string;
}

/** The environment as apps pass it: `process.env` or any plain record. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/**
 * Typed, error-collecting access to environment-style settings. Getters never throw on bad
 * input: they record a {@link ConfigError} naming the variable, the value seen and the
 * expected form, and return the fallback, so one pass finds every problem. Call
 * {@link EnvConfig.errors} or {@link EnvConfig.throwIfInvalid} afterwards, or use
 * {@link EnvConfig.read}, which does both. A variable that is unset (`undefined`) takes the
 * fallback; an empty string counts as set, as in linkerd2-proxy (lists parse it as empty,
 * scalars refuse it).
 *
 * While errors are pending, values returned for failed settings are placeholders (the
 * fallback, or `undefined` for `required`), so do not use them before checking.
 *
 * @example
 * ```ts
 * const cfg = EnvConfig.read(process.env, (env) => ({
 *   admin: env.socketAddr('ADMIN_LISTEN_ADDR', '127.0.0.1:4191'),
 *   retainIdleMs: env.duration('METRICS_RETAIN_IDLE', 600_000),
 *   inboundPorts: env.ports('INBOUND_PORTS'),
 * }), { prefix: 'LINKERD2_PROXY_' });
 * ```
 */
export class EnvConfig {
  readonly #env: EnvRecord;
  readonly #prefix: string;
  readonly #errors: ConfigError[] = [];

  constructor(env: EnvRecord, options: EnvConfigOptions = {}) {
    this.#env = env;
    this.#prefix = options.prefix ?? '';
  }

  /**
   * Runs `build` over a fresh reader and returns its result, or throws one
   * {@link AggregateConfigError} listing every problem found.
   */
  static read<T>(env: EnvRecord, build: (env: EnvConfig) => T, options?: EnvConfigOptions): T {
    const reader = new EnvConfig(env, options);
    const result = build(reader);
    reader.throwIfInvalid();
    return result;
  }

  /** The full variable name for `key` (the prefix plus the key). */
  name(key: string): string {
    return this.#prefix + key;
  }

  /** The raw text of `key`, or undefined when unset. */
  raw(key: string): string | undefined {
    return this.#env[this.name(key)];
  }

  /** True when `key` is set (possibly to an empty string). */
  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** Parses `key` with `parse`; returns `fallback` when unset or invalid (recording the error). */
  value<T>(key: string, parse: Parser<T>): T | undefined;
  value<T>(key: string, parse: Parser<T>, fallback: T): T;
  value<T>(key: string, parse: Parser<T>, fallback?: T): T | undefined {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    try {
      return parse(text, this.name(key));
    } catch (err) {
      this.#record(err, key, text);
      return fallback;
    }
  }

  /**
   * Reads a setting that must be set to a non-empty value, parsed with `parse` when given.
   * A missing value records a {@link MissingConfigError}; the placeholder returned then is
   * `undefined` (typed as `T`), so check {@link EnvConfig.errors} before using it.
   */
  required(key: string): string;
  required<T>(key: string, parse: Parser<T>, expected?: string): T;
  required<T>(key: string, parse?: Parser<T>, expected = 'a non-empty value'): T | string {
    const text = this.raw(key);
    if (text === undefined || text === '') {
      this.#errors.push(new MissingConfigError(this.name(key), expected));
      return undefined as T;
    }
    if (parse === undefined) return text;
    return this.value(key, parse) as T;
  }

  /** The raw string, or `fallback` when unset. */
  string(key: string): string | undefined;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined {
    return this.raw(key) ?? fallback;
  }

  /** `true` or `false`. */
  bool(key: string): boolean | undefined;
  bool(key: string, fallback: boolean): boolean;
  bool(key: string, fallback?: boolean): boolean | undefined {
    return this.value(key, parseBool, fallback);
  }

  /** An unsigned integer within `range`. */
  uint(key: string, fallback?: undefined, range?: NumberRange): number | undefined;
  uint(key: string, fallback: number, range?: NumberRange): number;
  uint(key: string, fallback?: number, range?: NumberRange): number | undefined {
    return this.value(key, (t, v) => parseUint(t, v, range), fallback);
  }

  /** A finite decimal number within `range`. */
  float(key: string, fallback?: undefined, range?: NumberRange): number | undefined;
  float(key: string, fallback: number, range?: NumberRange): number;
  float(key: string, fallback?: number, range?: NumberRange): number | undefined {
    return this.value(key, (t, v) => parseFloatInRange(t, v, range), fallback);
  }

  /** A Linkerd duration (`10s`, `500ms`, `0`) in milliseconds. */
  duration(key: string): number | undefined;
  duration(key: string, fallbackMs: number): number;
  duration(key: string, fallbackMs?: number): number | undefined {
    return this.value(key, parseDuration, fallbackMs);
  }

  /** A port list (`80,8080-8090`); unset gives `fallback` (parsed when a string) or the empty set. */
  ports(key: string, fallback: string | PortSet = ''): PortSet {
    return this.value(key, parsePortSet, this.#fallback(key, fallback, parsePortSet));
  }

  /** A network list (`10.0.0.0/8,fd00::/8`); unset gives `fallback` or the empty set. */
  networks(key: string, fallback: string | NetworkSet = ''): NetworkSet {
    return this.value(key, parseNetworkSet, this.#fallback(key, fallback, parseNetworkSet));
  }

  /** A DNS suffix list (`svc.cluster.local.,.`); unset gives `fallback` or the empty set. */
  suffixes(key: string, fallback: string | SuffixSet = ''): SuffixSet {
    return this.value(key, parseSuffixSet, this.#fallback(key, fallback, parseSuffixSet));
  }

  /** `host:port` where host is an IP or DNS name. */
  addr(key: string): HostPort | undefined;
  addr(key: string, fallback: string | HostPort): HostPort;
  addr(key: string, fallback?: string | HostPort): HostPort | undefined {
    const fb = fallback === undefined ? undefined : this.#fallback(key, fallback, parseAddr);
    return this.value(key, parseAddr, fb);
  }

  /** `ip:port` (a listen address). */
  socketAddr(key: string): HostPort | undefined;
  socketAddr(key: string, fallback: string | HostPort): HostPort;
  socketAddr(key: string, fallback?: string | HostPort): HostPort | undefined {
    const fb = fallback === undefined ? undefined : this.#fallback(key, fallback, parseSocketAddr);
    return this.value(key, parseSocketAddr, fb);
  }

  /** One or two comma-separated `ip:port` addresses (dual-stack listeners). */
  socketAddrs(key: string): HostPort[] | undefined;
  socketAddrs(key: string, fallback: readonly HostPort[]): HostPort[];
  socketAddrs(key: string, fallback?: readonly HostPort[]): HostPort[] | undefined {
    return this.value(key, parseSocketAddrList, fallback === undefined ? undefined : [...fallback]);
  }

  /** One of `values` (e.g. `INBOUND_DEFAULT_POLICY`), returned in its canonical spelling. */
  oneOf<const T extends string>(key: string, values: readonly T[]): T | undefined;
  oneOf<const T extends string>(key: string, values: readonly T[], fallback: T, options?: EnumOptions): T;
  oneOf<const T extends string>(
    key: string,
    values: readonly T[],
    fallback?: T,
    options?: EnumOptions,
  ): T | undefined {
    return this.value(key, (t, v) => parseEnum(t, values, v, options), fallback);
  }

  /** Records a problem found by the app itself, e.g. two settings that must be set together. */
  report(error: ConfigError): void {
    this.#errors.push(error);
  }

  /** Every problem recorded so far, in order. */
  errors(): readonly ConfigError[] {
    return this.#errors;
  }

  /** True while no problem has been recorded. */
  get ok(): boolean {
    return this.#errors.length === 0;
  }

  /** Throws an {@link AggregateConfigError} listing every recorded problem, if there are any. */
  throwIfInvalid(): void {
    if (this.#errors.length > 0) throw new AggregateConfigError([...this.#errors]);
  }

  #fallback<T>(key: string, fallback: string | T, parse: Parser<T>): T {
    // A bad built-in default is a programming error: let it throw at once.
    return typeof fallback === 'string' ? parse(fallback, `${this.name(key)} (default)`) : fallback;
  }

  #record(err: unknown, key: string, text: string): void {
    if (err instanceof ConfigError) {
      this.#errors.push(err);
      return;
    }
    // A custom parser threw something else: keep it as the cause of a ConfigError.
    const detail = err instanceof Error ? err.message : String(err);
    this.#errors.push(new ConfigError(this.name(key), text, `a valid value (${detail})`, { cause: err }));
  }
}
