import pino from 'pino';
import { DEFAULT_LOG_FILTER, type FilterLevel, filterThreshold, type LogFilter } from './log-filter.js';
import { LOG_LEVEL_VALUES, type Logger, type LogLevel } from './logger.js';
import { formatPlainLine } from './plain-format.js';
import { ReloadableLogFilter } from './reloadable-log-filter.js';

/** Output formats, as `LINKERD2_PROXY_LOG_FORMAT` names them. */
export type LogFormat = 'plain' | 'json';

/** Where lines go: anything with a `write(string)` method, e.g. a pino destination or a Writable. */
export interface LogDestination {
  /** Writes one complete line (ending in a newline). */
  write(line: string): unknown;
}

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /**
   * The level filter: an EnvFilter string, a parsed {@link LogFilter}, or a
   * {@link ReloadableLogFilter} the app keeps to change levels at runtime. Defaults to
   * {@link DEFAULT_LOG_FILTER}.
   */
  readonly filter?: string | LogFilter | ReloadableLogFilter;
  /** `plain` (default) for human-readable lines, `json` for one JSON object per line. */
  readonly format?: LogFormat;
  /** Where to write; defaults to a synchronous stdout destination. */
  readonly destination?: LogDestination;
  /** Fields added to every line; a string `target` sets the root logger's filter target. */
  readonly bindings?: Record<string, unknown>;
}

/**
 * Builds a pino-backed {@link Logger} whose levels follow an EnvFilter. The root logger uses the
 * filter's default level; `logger.child({ target: 'skein::proxy::inbound' })` uses the level of
 * the longest matching directive. Filtering happens before pino sees the call, so a disabled call
 * costs one comparison. In `json` format each line is pino's JSON with `level` as a name and an
 * ISO `time`; in `plain` format lines look like `[  0.001234s]  INFO skein::proxy: listening`.
 *
 * @throws {ConfigError} when `filter` is an invalid string.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const filter =
    options.filter instanceof ReloadableLogFilter
      ? options.filter
      : new ReloadableLogFilter(options.filter ?? DEFAULT_LOG_FILTER);
  const format = options.format ?? 'plain';
  const startMs = Date.now();
  const { target, ...base } = options.bindings ?? {};
  const pinoOptions: pino.LoggerOptions = {
    level: 'trace',
    base: Object.keys(base).length > 0 ? base : null,
    formatters: format === 'json' ? { level: (label) => ({ level: label }) } : {},
    timestamp: format === 'json' ? pino.stdTimeFunctions.isoTime : pino.stdTimeFunctions.epochTime,
    hooks: format === 'plain' ? { streamWrite: (s) => formatPlainLine(s, startMs) } : {},
  };
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const root = pino(pinoOptions, destination as pino.DestinationStream);
  if (typeof target !== 'string') return new FilteredLogger(root, root, filter, '', {});
  return new FilteredLogger(root, root.child({ target }), filter, target, { target });
}

/** Wraps a pino logger, dropping calls the filter disables for this logger's target. */
class FilteredLogger implements Logger {
  readonly #root: pino.Logger;
  readonly #pino: pino.Logger;
  readonly #filter: ReloadableLogFilter;
  readonly #target: string;
  readonly #bindings: Record<string, unknown>;
  #generation = -1;
  #threshold = 0;
  #level: FilterLevel = 'off';

  constructor(
    root: pino.Logger,
    logger: pino.Logger,
    filter: ReloadableLogFilter,
    target: string,
    bindings: Record<string, unknown>,
  ) {
    this.#root = root;
    this.#pino = logger;
    this.#filter = filter;
    this.#target = target;
    this.#bindings = bindings;
  }

  get level(): string {
    this.#refresh();
    return this.#level === 'off' ? 'silent' : this.#level;
  }

  isLevelEnabled(level: string): boolean {
    const value = LOG_LEVEL_VALUES[level as LogLevel];
    return value !== undefined && this.#enabled(value);
  }

  trace(objOrMsg: object | string, msg?: string): void {
    if (this.#enabled(10)) this.#write('trace', objOrMsg, msg);
  }

  debug(objOrMsg: object | string, msg?: string): void {
    if (this.#enabled(20)) this.#write('debug', objOrMsg, msg);
  }

  info(objOrMsg: object | string, msg?: string): void {
    if (this.#enabled(30)) this.#write('info', objOrMsg, msg);
  }

  warn(objOrMsg: object | string, msg?: string): void {
    if (this.#enabled(40)) this.#write('warn', objOrMsg, msg);
  }

  error(objOrMsg: object | string, msg?: string): void {
    if (this.#enabled(50)) this.#write('error', objOrMsg, msg);
  }

  fatal(objOrMsg: object | string, msg?: string): void {
    if (this.#enabled(60)) this.#write('fatal', objOrMsg, msg);
  }

  child(bindings: Record<string, unknown>): Logger {
    // `target` selects the filter directive and appears once per line, so it never goes into
    // pino's bindings twice: a new target rebuilds the child from the root logger.
    const { target, ...rest } = bindings;
    if (typeof target === 'string' && target !== this.#target) {
      const merged = { ...this.#bindings, ...rest, target };
      return new FilteredLogger(this.#root, this.#root.child(merged), this.#filter, target, merged);
    }
    const merged = { ...this.#bindings, ...rest };
    return new FilteredLogger(this.#root, this.#pino.child(rest), this.#filter, this.#target, merged);
  }

  #enabled(value: number): boolean {
    if (this.#generation !== this.#filter.generation) this.#refresh();
    return value >= this.#threshold;
  }

  #refresh(): void {
    this.#generation = this.#filter.generation;
    this.#level = this.#filter.levelFor(this.#target);
    this.#threshold = filterThreshold(this.#level);
  }

  #write(level: LogLevel, objOrMsg: object | string, msg: string | undefined): void {
    const log = this.#pino[level] as (a: unknown, b?: string) => void;
    if (msg === undefined) log.call(this.#pino, objOrMsg);
    else log.call(this.#pino, objOrMsg, msg);
  }
}
