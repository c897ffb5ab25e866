import type { Candidate, EndpointLoad, LoadStrategy } from '@skein/core';

/** Requests in flight on one endpoint: its cost for {@link leastRequest}. */
class InFlight implements EndpointLoad {
  pending = 0;

  cost(): number {
    return this.pending;
  }

  start(): void {
    this.pending++;
  }

  end(): void {
    if (this.pending > 0) this.pending--;
  }
}

/**
 * Least-request: every pick scans all ready endpoints and takes the one with the fewest requests
 * in flight per unit of weight. Ties are broken by a rotating start, so idle endpoints share
 * traffic evenly, and an endpoint that holds requests gets no new one while another is idle.
 *
 * P2C (Skein's default) looks at two random endpoints per pick, which scales to thousands of
 * endpoints; a full scan is exact and is fine for the tens of endpoints a service usually has.
 */
export function leastRequest(): LoadStrategy {
  let rotation = 0;
  return {
    name: 'least-request',
    newLoad: () => new InFlight(),
    pick(candidates: readonly Candidate[], now: number): number {
      const n = candidates.length;
      const first = rotation % n;
      rotation = (rotation + 1) % 1_000_000_007;
      let best = first;
      let bestCost = candidates[first]!.load.cost(now) / candidates[first]!.weight;
      for (let i = 1; i < n; i++) {
        const j = (first + i) % n;
        const cost = candidates[j]!.load.cost(now) / candidates[j]!.weight;
        if (cost < bestCost) {
          best = j;
          bestCost = cost;
        }
      }
      return best;
    },
  };
}
