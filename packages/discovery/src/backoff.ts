import { ConfigError } from '@skein/core';

/** Parameters of an {@link ExponentialBackoff}; the defaults are Linkerd's control-plane client backoff. */
export interface BackoffOptions {
  /** First delay in ms (default 100). */
  readonly minMs?: number;
  /** Largest delay in ms (default 10,000). */
  readonly maxMs?: number;
  /** Random extra fraction added to each delay, in [0, 1] (default 0.1). */
  readonly jitter?: number;
  /** Random source in [0, 1); defaults to `Math.random`. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with jitter: `min × 2^n`, capped at `max`, plus up to `jitter` of it.
 * `reset()` after a success starts over at `min`.
 */
export class ExponentialBackoff {
  readonly #min: number;
  readonly #max: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  /** @throws {ConfigError} when a parameter is out of range. */
  constructor(options: BackoffOptions = {}) {
    this.#min = options.minMs ?? 100;
    this.#max = options.maxMs ?? 10_000;
    this.#jitter = options.jitter ?? 0.1;
    this.#random = options.random ?? Math.random;
    if (!(Number.isFinite(this.#min) && this.#min >= 0))
      throw new ConfigError('backoff.minMs', String(this.#min), 'a non-negative number of milliseconds');
    if (!(Number.isFinite(this.#max) && this.#max >= this.#min))
      throw new ConfigError(
        'backoff.maxMs',
        String(this.#max),
        `a number of milliseconds ≥ minMs (${this.#min})`,
      );
    if (!(this.#jitter >= 0 && this.#jitter <= 1))
      throw new ConfigError('backoff.jitter', String(this.#jitter), 'a fraction between 0 and 1');
  }

  /** The next delay in ms; each call doubles the base until it reaches `max`. */
  next(): number {
    const base = Math.min(this.#max, this.#min * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return base * (1 + this.#jitter * this.#random());
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /** Starts over at `min`. */
  reset(): void {
    this.#attempt = 0;
  }
}
