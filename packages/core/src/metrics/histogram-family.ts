import { ErrorCode, SkeinError } from '../errors/index.js';
import { formatSampleValue } from './exposition.js';
import { type FamilyOptions, MetricFamily, type PromValue } from './family.js';
import type { LabelSet } from './label-set.js';
import { HistogramSeries } from './series.js';

/** Options for {@link HistogramFamily}. */
export interface HistogramFamilyOptions extends FamilyOptions {
  /** Bucket upper bounds, strictly ascending and finite; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

/** A histogram family with O(1), allocation-free `observe` on its handles. */
export class HistogramFamily extends MetricFamily<HistogramSeries> {
  readonly type = 'histogram';
  /** The bucket upper bounds (without `+Inf`). */
  readonly buckets: readonly number[];
  readonly #bounds: Float64Array;
  readonly #le: readonly string[];

  constructor(options: HistogramFamilyOptions) {
    super(options);
    const b = options.buckets;
    for (let i = 0; i < b.length; i++) {
      if (!Number.isFinite(b[i]!) || (i > 0 && b[i]! <= b[i - 1]!)) {
        throw new SkeinError(
          ErrorCode.InvalidArgument,
          `histogram ${options.name}: buckets must be finite and strictly ascending, got ${JSON.stringify(b)}`,
        );
      }
    }
    this.buckets = Object.freeze([...b]);
    this.#bounds = Float64Array.from(b);
    this.#le = [...b.map(formatSampleValue), '+Inf'];
  }

  protected create(labels: LabelSet): HistogramSeries {
    return new HistogramSeries(this, labels, this.#bounds);
  }

  protected override checkLabels(labels: LabelSet): void {
    if (labels.get('le') !== undefined) {
      throw new SkeinError(
        ErrorCode.InvalidArgument,
        `histogram ${this.metricName}: the label name "le" is reserved`,
      );
    }
  }

  protected renderSeries(series: HistogramSeries, lines: string[]): void {
    const name = this.metricName;
    const prefix = series.labels.text === '' ? '{' : `{${series.labels.text},`;
    let cumulative = 0;
    for (let i = 0; i < this.#le.length; i++) {
      cumulative += series.counts[i]!;
      lines.push(`${name}_bucket${prefix}le="${this.#le[i]}"} ${formatSampleValue(cumulative)}`);
    }
    lines.push(`${name}_sum${series.labels} ${formatSampleValue(series.sum)}`);
    lines.push(`${name}_count${series.labels} ${formatSampleValue(series.count)}`);
  }

  protected collectSeries(series: HistogramSeries, values: PromValue[]): void {
    const labels = series.labels.toObject();
    let cumulative = 0;
    for (let i = 0; i < this.#le.length; i++) {
      cumulative += series.counts[i]!;
      values.push({
        metricName: `${this.name}_bucket`,
        value: cumulative,
        labels: { ...labels, le: this.#le[i]! },
      });
    }
    values.push({ metricName: `${this.name}_sum`, value: series.sum, labels });
    values.push({ metricName: `${this.name}_count`, value: series.count, labels });
  }
}
