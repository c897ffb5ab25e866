/** Levels a {@link Logger} writes at, from the most to the least verbose. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Numeric values of the levels, as pino uses them. */
export const LOG_LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/**
 * One logging method: `log(obj, msg?)` merges `obj`'s fields into the line (an `Error` is logged
 * under `err`), `log(msg)` logs a message alone.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

/**
 * The logger Skein packages take: a subset of pino's `Logger`, so an app may pass a pino logger
 * directly, or the one {@link createLogger} builds. Hot paths should guard expensive arguments
 * with `isLevelEnabled`.
 */
export interface Logger {
  /** The current level name (pino's names, `silent` when nothing is written). */
  readonly level: string;
  /** Logs at trace level. */
  trace: LogFn;
  /** Logs at debug level. */
  debug: LogFn;
  /** Logs at info level. */
  info: LogFn;
  /** Logs at warn level. */
  warn: LogFn;
  /** Logs at error level. */
  error: LogFn;
  /** Logs at fatal level. */
  fatal: LogFn;
  /** A logger that adds `bindings` to every line; a `target` binding selects the filter directive. */
  child(bindings: Record<string, unknown>): Logger;
  /** True when a line at `level` would be written. */
  isLevelEnabled(level: string): boolean;
}

function noop(): void {}

/** A logger that writes nothing; the default for libraries given no logger. */
export const nullLogger: Logger = Object.freeze({
  level: 'silent',
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child(): Logger {
    return nullLogger;
  },
  isLevelEnabled(): boolean {
    return false;
  },
});
