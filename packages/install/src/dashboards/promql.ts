/** The rate window of every panel: Grafana's `$__rate_interval` (at least four scrape intervals). */
export const RATE_WINDOW = '$__rate_interval';

function by(labels: readonly string[]): string {
  return labels.length === 0 ? '' : ` by (${labels.join(', ')})`;
}

/** Requests per second: `sum(irate(request_total{…}[window])) by (…)`. */
export function requestRate(selector: string, groupBy: readonly string[] = []): string {
  return `sum(irate(request_total{${selector}}[${RATE_WINDOW}]))${by(groupBy)}`;
}

/** Success rate: successful responses over all responses (`classification` from the proxy). */
export function successRate(selector: string, groupBy: readonly string[] = []): string {
  return (
    `sum(irate(response_total{classification="success", ${selector}}[${RATE_WINDOW}]))${by(groupBy)}` +
    ` / sum(irate(response_total{${selector}}[${RATE_WINDOW}]))${by(groupBy)}`
  );
}

/** A latency quantile (ms) from `response_latency_ms_bucket`. */
export function latencyQuantile(quantile: number, selector: string, groupBy: readonly string[] = []): string {
  return `histogram_quantile(${quantile}, sum(irate(response_latency_ms_bucket{${selector}}[${RATE_WINDOW}]))${by(['le', ...groupBy])})`;
}

/** A per-second rate of a counter, summed. */
export function counterRate(metric: string, selector: string, groupBy: readonly string[] = []): string {
  return `sum(irate(${metric}{${selector}}[${RATE_WINDOW}]))${by(groupBy)}`;
}
