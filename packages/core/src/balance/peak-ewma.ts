import type { EndpointLoad } from './load-strategy.js';

/** Options for {@link PeakEwma}; the defaults are linkerd2-proxy's. */
export interface PeakEwmaOptions {
  /** RTT assumed before any response, in ms (default 30, floor 1). */
  defaultRttMs?: number;
  /** Time constant of the exponential decay, in ms (default 10,000). */
  decayMs?: number;
}

/**
 * Peak-EWMA load of one endpoint (as tower's `PeakEwma`): an RTT estimate that jumps up to any
 * slower sample at once and decays towards faster samples (and towards zero while idle) with
 * time constant `decay`. The cost is `estimate × (pending + 1)`, so a slow or busy endpoint looks
 * expensive immediately and cheap again only gradually.
 */
export class PeakEwma implements EndpointLoad {
  #estimate: number;
  #updatedAt: number;
  #pending = 0;
  readonly #decayMs: number;

  constructor(now: number, options: PeakEwmaOptions = {}) {
    this.#estimate = Math.max(1, options.defaultRttMs ?? 30);
    this.#decayMs = options.decayMs ?? 10_000;
    if (!(this.#decayMs > 0)) throw new RangeError(`peak-EWMA decay must be > 0ms, got ${this.#decayMs}`);
    this.#updatedAt = now;
  }

  /** The RTT estimate in ms as of `now`. */
  estimate(now: number): number {
    this.#update(now, 0);
    return this.#estimate;
  }

  /** Requests in flight. */
  get pending(): number {
    return this.#pending;
  }

  cost(now: number): number {
    this.#update(now, 0);
    return this.#estimate * (this.#pending + 1);
  }

  start(): void {
    this.#pending++;
  }

  end(now: number, rttMs: number, _ok?: boolean): void {
    if (this.#pending > 0) this.#pending--;
    this.#update(now, rttMs);
  }

  #update(now: number, rtt: number): void {
    if (rtt > this.#estimate) {
      this.#estimate = rtt;
    } else {
      const elapsed = now - this.#updatedAt;
      if (elapsed > 0) {
        const decay = Math.exp(-elapsed / this.#decayMs);
        this.#estimate = this.#estimate * decay + rtt * (1 - decay);
      }
    }
    if (now > this.#updatedAt) this.#updatedAt = now;
  }
}
