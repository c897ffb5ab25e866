import type { Candidate, EndpointLoad, LoadStrategy, StrategyOptions } from './load-strategy.js';
import { PeakEwma } from './peak-ewma.js';

/** Counts requests in flight; the cost is `pending + 1`. */
class PendingRequests implements EndpointLoad {
  pending = 0;
  cost(): number {
    return this.pending + 1;
  }
  start(): void {
    this.pending++;
  }
  end(): void {
    if (this.pending > 0) this.pending--;
  }
}

/**
 * Power of two choices: draw two distinct candidates at random and take the one with the lower
 * `cost / weight`. One candidate is taken as is.
 */
export function p2cPick(candidates: readonly Candidate[], now: number, random: () => number): number {
  const n = candidates.length;
  if (n === 1) return 0;
  const a = Math.floor(random() * n);
  let b = Math.floor(random() * (n - 1));
  if (b >= a) b++;
  const ca = candidates[a]!;
  const cb = candidates[b]!;
  return ca.load.cost(now) / ca.weight <= cb.load.cost(now) / cb.weight ? a : b;
}

/** P2C over peak-EWMA load (linkerd2-proxy's balancer): default RTT 30 ms, decay 10 s. */
export function p2cPeakEwma(options: StrategyOptions = {}): LoadStrategy {
  const random = options.random ?? Math.random;
  const ewma = { defaultRttMs: options.defaultRttMs ?? 30, decayMs: options.decayMs ?? 10_000 };
  return {
    name: 'p2c-peak-ewma',
    newLoad: (now) => new PeakEwma(now, ewma),
    pick: (candidates, now) => p2cPick(candidates, now, random),
  };
}

/** P2C over the number of requests in flight. */
export function p2cPending(options: StrategyOptions = {}): LoadStrategy {
  const random = options.random ?? Math.random;
  return {
    name: 'p2c-pending',
    newLoad: () => new PendingRequests(),
    pick: (candidates, now) => p2cPick(candidates, now, random),
  };
}

/** Round robin over the ready endpoints, ignoring load and weight. */
export function roundRobin(): LoadStrategy {
  let next = 0;
  return {
    name: 'round-robin',
    newLoad: () => new PendingRequests(),
    pick: (candidates) => {
      if (next >= candidates.length) next = 0;
      return next++;
    },
  };
}
