import { ConfigError } from '../errors/errors.js';

/** Parameters of a {@link RetryBudget}; the defaults are Linkerd's. */
export interface RetryBudgetOptions {
  /** Retries allowed per original request, in [0, 1000] (default 0.2, i.e. +20%). */
  retryRatio?: number;
  /** Retries always allowed per second regardless of traffic (default 10). */
  minRetriesPerSecond?: number;
  /** How long deposits count, in ms, in [1000, 60000] (default 10,000). */
  ttlMs?: number;
  /** Clock in ms; defaults to `performance.now`. */
  now?: () => number;
}

const SLOTS = 10;
const I32_MAX = 2 ** 31 - 1;

/**
 * A TPS retry budget as in Linkerd: every original request deposits, every retry withdraws, and
 * a retry is allowed while `minRetriesPerSecond × ttl + retryRatio × requests(ttl) − retries(ttl)`
 * stays at or above one. The window is kept in ten slots so old traffic ages out smoothly.
 */
export class RetryBudget {
  /** The ratio in force. */
  readonly retryRatio: number;
  /** The minimum retries per second in force. */
  readonly minRetriesPerSecond: number;
  /** The window in ms. */
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #slotMs: number;
  readonly #deposits = new Float64Array(SLOTS);
  readonly #withdrawals = new Float64Array(SLOTS);
  #slot = 0;
  #slotStart: number;

  /** Throws {@link ConfigError} when a parameter is outside the range Linkerd accepts. */
  constructor(options: RetryBudgetOptions = {}) {
    const ratio = options.retryRatio ?? 0.2;
    const min = options.minRetriesPerSecond ?? 10;
    const ttl = options.ttlMs ?? 10_000;
    const problem = RetryBudget.validate({ retryRatio: ratio, minRetriesPerSecond: min, ttlMs: ttl });
    if (problem !== undefined) throw problem;
    this.retryRatio = ratio;
    this.minRetriesPerSecond = min;
    this.ttlMs = ttl;
    this.#now = options.now ?? (() => performance.now());
    this.#slotMs = ttl / SLOTS;
    this.#slotStart = this.#now();
  }

  /** Returns the error a budget with these parameters would raise, or `undefined` when valid. */
  static validate(o: {
    retryRatio: number;
    minRetriesPerSecond: number;
    ttlMs: number;
  }): ConfigError | undefined {
    if (!Number.isFinite(o.retryRatio) || o.retryRatio < 0 || o.retryRatio > 1000) {
      return new ConfigError('retryBudget.retryRatio', String(o.retryRatio), 'a number in [0, 1000]');
    }
    if (
      !Number.isInteger(o.minRetriesPerSecond) ||
      o.minRetriesPerSecond < 0 ||
      o.minRetriesPerSecond > I32_MAX
    ) {
      return new ConfigError(
        'retryBudget.minRetriesPerSecond',
        String(o.minRetriesPerSecond),
        `an integer in [0, ${I32_MAX}]`,
      );
    }
    if (!Number.isFinite(o.ttlMs) || o.ttlMs < 1000 || o.ttlMs > 60_000) {
      return new ConfigError('retryBudget.ttl', `${o.ttlMs}ms`, 'a duration between 1s and 60s');
    }
    return undefined;
  }

  /** Records one original request. */
  deposit(): void {
    this.#advance();
    this.#deposits[this.#slot]! += 1;
  }

  /** Takes one retry from the budget; returns false (and takes nothing) when it is spent. */
  withdraw(): boolean {
    this.#advance();
    if (this.balance() < 1) return false;
    this.#withdrawals[this.#slot]! += 1;
    return true;
  }

  /** Retries currently available (may be fractional). */
  balance(): number {
    this.#advance();
    let deposits = 0;
    let withdrawals = 0;
    for (let i = 0; i < SLOTS; i++) {
      deposits += this.#deposits[i]!;
      withdrawals += this.#withdrawals[i]!;
    }
    return (this.minRetriesPerSecond * this.ttlMs) / 1000 + this.retryRatio * deposits - withdrawals;
  }

  #advance(): void {
    const now = this.#now();
    let elapsed = now - this.#slotStart;
    if (elapsed < this.#slotMs) return;
    if (elapsed >= this.ttlMs) {
      this.#deposits.fill(0);
      this.#withdrawals.fill(0);
      this.#slotStart = now;
      return;
    }
    while (elapsed >= this.#slotMs) {
      this.#slot = (this.#slot + 1) % SLOTS;
      this.#deposits[this.#slot] = 0;
      this.#withdrawals[this.#slot] = 0;
      this.#slotStart += this.#slotMs;
      elapsed -= this.#slotMs;
    }
  }
}
