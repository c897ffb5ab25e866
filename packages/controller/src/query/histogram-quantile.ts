/** One cumulative histogram bucket: count of observations ≤ `le`. */
export interface HistogramBucket {
  /** Upper bound (`Infinity` for `+Inf`). */
  readonly le: number;
  /** Cumulative count (or rate). */
  readonly value: number;
}

/**
 * Prometheus's `histogram_quantile`: finds the bucket holding the q-th observation and
 * interpolates linearly inside it (from 0 for the first bucket). A quantile falling in the
 * `+Inf` bucket returns the highest finite bound. Returns undefined without observations.
 */
export function histogramQuantile(q: number, buckets: readonly HistogramBucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const last = sorted[sorted.length - 1];
  if (last === undefined || !(last.value > 0)) return undefined;
  const rank = q * last.value;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.value >= rank) {
      if (b.le === Infinity) return prevLe;
      const inBucket = b.value - prevCount;
      return inBucket <= 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.value;
  }
  return prevLe;
}
