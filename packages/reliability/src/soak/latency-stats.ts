/** Latency percentiles of one stream of requests, in milliseconds. */
export interface LatencySummary {
  /** Number of latencies summarised. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Latencies of a slice of the run: which seconds it covers and its tail. */
export interface LatencyWindow {
  /** Start of the window, seconds from the start of the run. */
  fromS: number;
  /** End of the window, seconds from the start of the run. */
  toS: number;
  count: number;
  p99: number;
  max: number;
}

const EMPTY: LatencySummary = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };

// Nearest-rank percentile over sorted values: the smallest value with at least q of the
// samples at or below it, so p100 is the maximum and no value is interpolated.
function rank(sorted: Float64Array, q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Summarises the latencies of requests `from` (inclusive) to `to` (exclusive). Entries that are
 * NaN (requests that failed or never finished) are left out; they are counted as failures
 * elsewhere.
 */
export function summarizeLatencies(latencies: Float64Array, from = 0, to = latencies.length): LatencySummary {
  const values = latencies.slice(from, to).filter((v) => !Number.isNaN(v));
  if (values.length === 0) return { ...EMPTY };
  values.sort();
  let sum = 0;
  for (const v of values) sum += v;
  return {
    count: values.length,
    p50: rank(values, 0.5),
    p90: rank(values, 0.9),
    p99: rank(values, 0.99),
    p999: rank(values, 0.999),
    max: values[values.length - 1]!,
    mean: sum / values.length,
  };
}

/**
 * Splits a constant-rate run into `windows` equal slices by scheduled time (request `i` was due
 * at `i / rps` seconds) and summarises each, to show whether the tail drifts over the run.
 */
export function latencyWindows(latencies: Float64Array, rps: number, windows: number): LatencyWindow[] {
  const out: LatencyWindow[] = [];
  const per = Math.ceil(latencies.length / windows);
  for (let from = 0; from < latencies.length; from += per) {
    const to = Math.min(latencies.length, from + per);
    const s = summarizeLatencies(latencies, from, to);
    out.push({ fromS: from / rps, toS: to / rps, count: s.count, p99: s.p99, max: s.max });
  }
  return out;
}
