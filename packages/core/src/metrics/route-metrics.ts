import type { CounterFamily } from './counter-family.js';
import { type HttpFamilies, HttpTargetMetrics } from './http-metrics.js';
import type { LabelSet } from './label-set.js';
import type { CounterSeries } from './series.js';

/**
 * The metrics of one ServiceProfile route, built once per route: `route_*` per request,
 * `route_actual_*` per attempt (retries included), and `route_retryable_total`.
 */
export class RouteTargetMetrics {
  /** `route_request_total`, `route_response_total`, `route_response_latency_ms`. */
  readonly route: HttpTargetMetrics;
  /** `route_actual_request_total`, `route_actual_response_total` (no latency histogram). */
  readonly actual: HttpTargetMetrics;
  readonly #retryable: CounterSeries;
  readonly #noBudget: CounterSeries;

  constructor(route: HttpFamilies, actual: HttpFamilies, retryable: CounterFamily, labels: LabelSet) {
    this.route = new HttpTargetMetrics(route, labels);
    this.actual = new HttpTargetMetrics(actual, labels);
    this.#retryable = retryable.series(labels);
    this.#noBudget = retryable.series(labels.with([['skipped', 'no_budget']]));
  }

  /** Counts a retryable response; `skippedNoBudget` when the retry budget refused the retry. */
  retryable(skippedNoBudget = false): void {
    if (skippedNoBudget) this.#noBudget.inc();
    else this.#retryable.inc();
  }
}
