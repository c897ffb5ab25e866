/**
 * How a query selects series by label: an exact value, one of several values, or an anchored
 * regular expression (RE2/JavaScript common subset, e.g. `web\.demo\..*`).
 */
export type LabelMatcher = string | { readonly oneOf: readonly string[] } | { readonly regex: string };

/** Label name → matcher. */
export type LabelMatch = Readonly<Record<string, LabelMatcher>>;

/** A series aggregated by some labels. */
export interface AggregatedSample {
  /** The values of the `by` labels (absent labels are ""). */
  readonly labels: Readonly<Record<string, string>>;
  /** The value. */
  readonly value: number;
}

/** A query over one metric. */
export interface SeriesQuery {
  /** Metric name as exposed (`response_total`, `response_latency_ms_bucket`). */
  readonly metric: string;
  /** Which series. */
  readonly match: LabelMatch;
  /** Labels to sum by. */
  readonly by: readonly string[];
}

/** A rate query: per-second increase of counters over a window. */
export interface RateQuery extends SeriesQuery {
  /** Window length. */
  readonly windowMs: number;
}

/**
 * Where the controller gets metrics. Both implementations answer the same two questions so
 * that every statistic (success rate, rps, latency quantiles, TCP) is computed by the same
 * code whatever the backend:
 *
 * - {@link PrometheusMetricsSource}: `sum by (…) (rate(metric{…}[window]))` over Prometheus's
 *   HTTP API (the production path);
 * - {@link ProxyScraper}: the built-in scraper's history of proxies' `/metrics`.
 */
export interface MetricsSource {
  /** `sum by (by) (rate(metric{match}[window]))` at the present. */
  rate(query: RateQuery): Promise<AggregatedSample[]>;
  /** `sum by (by) (metric{match})` at the present (gauges). */
  current(query: SeriesQuery): Promise<AggregatedSample[]>;
}

/** Whether `labels` satisfy `match` (absent labels compare as ""). */
export function labelsMatch(
  labels: Readonly<Record<string, string>>,
  match: LabelMatch,
  regexes?: Map<string, RegExp>,
): boolean {
  for (const key in match) {
    const m = match[key]!;
    const v = labels[key] ?? '';
    if (typeof m === 'string') {
      if (v !== m) return false;
    } else if ('oneOf' in m) {
      if (!m.oneOf.includes(v)) return false;
    } else {
      let re = regexes?.get(m.regex);
      if (re === undefined) {
        re = new RegExp(`^(?:${m.regex})$`);
        regexes?.set(m.regex, re);
      }
      if (!re.test(v)) return false;
    }
  }
  return true;
}

/** Escapes a string for use inside a regex matcher. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
