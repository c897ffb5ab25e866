import { type FilterLevel, LogFilter } from './log-filter.js';

/**
 * Holds the current {@link LogFilter} and lets it be replaced at runtime, as the admin server's
 * `PUT /proxy-log-level` does. Loggers built by {@link createLogger} over this object notice a new
 * filter on their next call (one integer comparison), so no logger needs rebuilding.
 */
export class ReloadableLogFilter {
  #filter: LogFilter;
  #generation = 0;

  /** Starts with `initial` (parsed when a string; an invalid string throws `ConfigError`). */
  constructor(initial: LogFilter | string) {
    this.#filter = typeof initial === 'string' ? LogFilter.parse(initial) : initial;
  }

  /** The filter in force. */
  get filter(): LogFilter {
    return this.#filter;
  }

  /** Increases by one each time the filter is replaced. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Replaces the filter. A string is parsed first; when it is invalid the `ConfigError` is
   * thrown (naming `variable`) and the old filter stays in force.
   */
  set(next: LogFilter | string, variable = 'log filter'): LogFilter {
    const filter = typeof next === 'string' ? LogFilter.parse(next, variable) : next;
    this.#filter = filter;
    this.#generation++;
    return filter;
  }

  /** The level the current filter enables for `target`. */
  levelFor(target: string): FilterLevel {
    return this.#filter.levelFor(target);
  }

  /** The current filter's text, as `GET /proxy-log-level` returns it. */
  toString(): string {
    return this.#filter.toString();
  }
}
