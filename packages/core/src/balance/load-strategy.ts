/** The load an endpoint carries, as a strategy measures it. */
export interface EndpointLoad {
  /** The endpoint's cost as of `now` (ms clock); lower is preferred. */
  cost(now: number): number;
  /** A request was dispatched to the endpoint. */
  start(now: number): void;
  /** A request finished (first response frame or error), `rttMs` after it started. */
  end(now: number, rttMs: number, ok: boolean): void;
}

/** A ready endpoint offered to a strategy. */
export interface Candidate {
  /** The endpoint's load state, created by the same strategy. */
  readonly load: EndpointLoad;
  /** Relative weight from discovery (> 0). */
  readonly weight: number;
}

/**
 * How a balancer chooses among ready endpoints. This is the plugin point for custom balancers:
 * register a factory with {@link registerBalancer} and select it by name.
 */
export interface LoadStrategy {
  /** Registry name, e.g. `p2c-peak-ewma`. */
  readonly name: string;
  /** Creates the load state of a new endpoint. */
  newLoad(now: number): EndpointLoad;
  /** Returns the index of the chosen candidate; `candidates` is never empty. */
  pick(candidates: readonly Candidate[], now: number): number;
}

/** Options every strategy factory receives. */
export interface StrategyOptions {
  /** Random number source in [0, 1); defaults to `Math.random`. */
  random?: () => number;
  /** RTT assumed before any response, in ms (peak-EWMA). */
  defaultRttMs?: number;
  /** Decay time constant in ms (peak-EWMA). */
  decayMs?: number;
}

/** Creates a strategy instance for one balancer. */
export type StrategyFactory = (options: StrategyOptions) => LoadStrategy;
