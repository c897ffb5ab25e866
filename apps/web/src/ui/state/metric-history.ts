/** The golden metrics of one resource at one moment, as the history keeps them. */
export interface MetricSample {
  /** When it was polled, ms since the epoch. */
  readonly t: number;
  /** Requests per second (0 without traffic). */
  readonly rps: number;
  /** Success rate 0..1; null without responses. */
  readonly successRate: number | null;
  /** p50 latency, ms. */
  readonly p50: number | null;
  /** p95 latency, ms. */
  readonly p95: number | null;
  /** p99 latency, ms. */
  readonly p99: number | null;
}

/** The subset of a controller stat row the history reads. */
export interface StatsLike {
  readonly requestRate: number;
  readonly successRate: number | null;
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
}

/**
 * A short client-side history of golden metrics per resource (the controller answers only "now
 * over a window"), for sparklines. Keeps the last `capacity` samples of each key; a sample
 * recorded within `minGapMs` of the previous one replaces it, so two views polling the same
 * resource do not crowd its history.
 */
export class MetricHistory {
  readonly #series = new Map<string, MetricSample[]>();
  readonly #capacity: number;
  readonly #minGapMs: number;
  #version = 0;

  constructor(options: { capacity?: number; minGapMs?: number } = {}) {
    this.#capacity = options.capacity ?? 60;
    this.#minGapMs = options.minGapMs ?? 500;
  }

  /** Bumped on every record: a cheap change marker for views. */
  get version(): number {
    return this.#version;
  }

  /** Records the stats of `key` (`deployment/emojivoto/web`) at `t`; null stats mean no traffic. */
  record(key: string, t: number, stats: StatsLike | null): void {
    const sample: MetricSample = {
      t,
      rps: stats?.requestRate ?? 0,
      successRate: stats?.successRate ?? null,
      p50: stats?.latencyMs.p50 ?? null,
      p95: stats?.latencyMs.p95 ?? null,
      p99: stats?.latencyMs.p99 ?? null,
    };
    let series = this.#series.get(key);
    if (series === undefined) {
      series = [];
      this.#series.set(key, series);
    }
    const last = series.at(-1);
    if (last !== undefined && t - last.t < this.#minGapMs) series[series.length - 1] = sample;
    else series.push(sample);
    if (series.length > this.#capacity) series.splice(0, series.length - this.#capacity);
    this.#version++;
  }

  /** The samples of `key`, oldest first. */
  series(key: string): readonly MetricSample[] {
    return this.#series.get(key) ?? [];
  }
}

/** The history key of a resource. */
export function historyKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
