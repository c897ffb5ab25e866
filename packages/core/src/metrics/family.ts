import type { Metric, OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';
import { ErrorCode, SkeinError } from '../errors/index.js';
import { escapeHelp, isValidMetricName } from './exposition.js';
import { type LabelInput, LabelSet } from './label-set.js';
import { type Series, type SeriesOwner, SeriesState } from './series.js';

/** A prom-client registry of either content type. */
export type MetricsRegistry = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;

/** Linkerd's default for `LINKERD2_PROXY_METRICS_RETAIN_IDLE`: 10 minutes. */
export const DEFAULT_RETAIN_IDLE_MS = 600_000;

/** The default cap on series per family. */
export const DEFAULT_MAX_SERIES = 10_000;

/** Options shared by every family. */
export interface FamilyOptions {
  /** The metric name, e.g. `request_total`. */
  readonly name: string;
  /** The `# HELP` text. */
  readonly help: string;
  /** Registers the family so `registry.metrics()` includes it. */
  readonly registry?: MetricsRegistry;
  /** Drops a series not written for this long (ms); 0 or less keeps series forever. Default 10 min. */
  readonly retainIdleMs?: number;
  /** At most this many live series; past it new series are refused and counted. Default 10 000. */
  readonly maxSeries?: number;
  /** Clock in milliseconds (monotonic); defaults to `performance.now`. */
  readonly now?: () => number;
  /** Called each time a series is refused by the cap (e.g. to count drops in another metric). */
  readonly onDrop?: (family: string) => void;
}

/** One sample as prom-client's registry consumes it (what {@link MetricFamily.get} returns). */
export interface PromValue {
  /** The sample value. */
  value: number;
  /** The sample's labels, in rendering order. */
  labels: Readonly<Record<string, string>>;
  /** The sample name when it differs from the family name (`_bucket`, `_sum`, `_count`). */
  metricName?: string;
}

/**
 * A family of series sharing a name, written through handles resolved once per label set.
 * Idle series are swept at each render/collect (no timers, and no clock read on the hot path):
 * a sweep notes which series changed since the previous sweep, and a series unchanged for
 * `retainIdleMs` after the sweep that last saw it change is removed — so idle time is measured
 * with the scrape interval's granularity, never shorter than `retainIdleMs`. A removed series is
 * revived on its next write if someone still holds its handle (the family keeps a weak
 * reference, so one label set never has two live series). Families render the
 * text exposition format themselves and also act as a prom-client custom metric.
 */
export abstract class MetricFamily<S extends Series> implements SeriesOwner {
  /** The name prom-client sees (prom-client strips `_total` from counters in OpenMetrics mode). */
  name: string;
  /** The help text. */
  readonly help: string;
  /** The Prometheus metric type. */
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  /** How prom-client's cluster mode aggregates this metric. */
  readonly aggregator = 'sum';
  /** @internal The name as given, used by {@link MetricFamily.render}. */
  protected readonly metricName: string;
  readonly #live = new Map<string, S>();
  readonly #expired = new Map<string, WeakRef<S>>();
  readonly #retainIdleMs: number;
  readonly #maxSeries: number;
  readonly #now: () => number;
  readonly #onDrop: ((family: string) => void) | undefined;
  #dropped = 0;
  #expiredCount = 0;

  protected constructor(options: FamilyOptions) {
    if (!isValidMetricName(options.name)) {
      throw new SkeinError(ErrorCode.InvalidArgument, `invalid metric name ${JSON.stringify(options.name)}`);
    }
    this.name = options.name;
    this.metricName = options.name;
    this.help = options.help;
    this.#retainIdleMs = options.retainIdleMs ?? DEFAULT_RETAIN_IDLE_MS;
    this.#maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    this.#now = options.now ?? (() => performance.now());
    this.#onDrop = options.onDrop;
    if (options.registry !== undefined) this.registerIn(options.registry);
  }

  /** Registers this family in a prom-client registry. */
  registerIn(registry: MetricsRegistry): void {
    try {
      // prom-client types only its own classes, but its registry accepts any object with
      // name/help/type/get/reset, which this family provides.
      (registry as Registry).registerMetric(this as unknown as Metric);
    } catch (err) {
      throw new SkeinError(ErrorCode.InvalidArgument, `metric ${this.metricName} is already registered`, {
        cause: err,
      });
    }
  }

  /**
   * The series for `labels`, created on first use. Resolve once per endpoint/target and keep the
   * handle. Past `maxSeries` a detached handle is returned: writes to it are accepted and never
   * rendered, and the drop is counted.
   */
  series(labels: LabelSet | LabelInput = LabelSet.EMPTY): S {
    const set = labels instanceof LabelSet ? labels : LabelSet.of(labels);
    const live = this.#live.get(set.key);
    if (live !== undefined) return live;
    const held = this.#expired.get(set.key)?.deref();
    if (held !== undefined) {
      this.revive(held);
      return held;
    }
    this.checkLabels(set);
    const series = this.create(set);
    series._activeAt = this.#now();
    if (this.#live.size >= this.#maxSeries) {
      this.#drop(series);
    } else {
      this.#live.set(set.key, series);
    }
    return series;
  }

  /** @internal Takes back an expired series on its next write (see {@link SeriesOwner}). */
  revive(series: Series): void {
    if (series._state !== SeriesState.Expired) return;
    const key = series.labels.key;
    this.#expired.delete(key);
    series._mark = -1;
    series._activeAt = this.#now();
    if (this.#live.size >= this.#maxSeries) {
      this.#drop(series);
      return;
    }
    series._state = SeriesState.Live;
    this.#live.set(key, series as S);
  }

  /** Removes the series for `labels` now; its handle behaves as if expired. */
  remove(labels: LabelSet | LabelInput): boolean {
    const set = labels instanceof LabelSet ? labels : LabelSet.of(labels);
    const series = this.#live.get(set.key);
    if (series === undefined) return false;
    this.#expire(set.key, series);
    return true;
  }

  /** Expires series idle for `retainIdleMs`; returns how many were removed. Runs on each render. */
  sweep(): number {
    const now = this.#now();
    let removed = 0;
    for (const [key, series] of this.#live) {
      const activity = series.activity();
      if (activity !== series._mark) {
        series._mark = activity;
        series._activeAt = now;
      } else if (
        this.#retainIdleMs > 0 &&
        now - series._activeAt >= this.#retainIdleMs &&
        series.expirable()
      ) {
        this.#expire(key, series);
        removed++;
      }
    }
    for (const [key, ref] of this.#expired) {
      if (ref.deref() === undefined) this.#expired.delete(key);
    }
    return removed;
  }

  /** The number of live series. */
  get size(): number {
    return this.#live.size;
  }

  /** How many series the cap refused since creation. */
  get droppedSeries(): number {
    return this.#dropped;
  }

  /** How many series were expired (idle or removed) since creation. */
  get expiredSeries(): number {
    return this.#expiredCount;
  }

  /** The live series, in creation order. */
  liveSeries(): IterableIterator<S> {
    return this.#live.values();
  }

  /** Renders `# HELP`, `# TYPE` and every live series in the text format (after a sweep). */
  render(): string {
    this.sweep();
    const lines = [
      `# HELP ${this.metricName} ${escapeHelp(this.help)}`,
      `# TYPE ${this.metricName} ${this.type}`,
    ];
    for (const series of this.#live.values()) this.renderSeries(series, lines);
    return `${lines.join('\n')}\n`;
  }

  /** prom-client's collection hook: the family's samples (after a sweep). */
  get(): { name: string; help: string; type: string; aggregator: string; values: PromValue[] } {
    this.sweep();
    const values: PromValue[] = [];
    for (const series of this.#live.values()) this.collectSeries(series, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes every live series (prom-client calls this from `registry.resetMetrics()`). */
  reset(): void {
    for (const series of this.#live.values()) series.clear();
  }

  /** Builds a new series for `labels`. */
  protected abstract create(labels: LabelSet): S;

  /** Appends the text lines of one series. */
  protected abstract renderSeries(series: S, lines: string[]): void;

  /** Appends the prom-client samples of one series. */
  protected abstract collectSeries(series: S, values: PromValue[]): void;

  /** Throws when `labels` cannot be used by this family (histograms reserve `le`). */
  protected checkLabels(_labels: LabelSet): void {}

  #expire(key: string, series: S): void {
    this.#live.delete(key);
    series._state = SeriesState.Expired;
    this.#expired.set(key, new WeakRef(series));
    this.#expiredCount++;
  }

  #drop(series: Series): void {
    series._state = SeriesState.Dropped;
    this.#dropped++;
    this.#onDrop?.(this.metricName);
  }
}
