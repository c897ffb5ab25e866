import { formatSampleValue } from './exposition.js';
import { type FamilyOptions, MetricFamily, type PromValue } from './family.js';
import type { LabelSet } from './label-set.js';
import { GaugeSeries } from './series.js';

/** A gauge family with O(1) handles (`set`, `inc`, `dec`). Gauges holding a non-zero value never expire. */
export class GaugeFamily extends MetricFamily<GaugeSeries> {
  readonly type = 'gauge';

  constructor(options: FamilyOptions) {
    super(options);
  }

  protected create(labels: LabelSet): GaugeSeries {
    return new GaugeSeries(this, labels);
  }

  protected renderSeries(series: GaugeSeries, lines: string[]): void {
    lines.push(`${this.metricName}${series.labels} ${formatSampleValue(series.value)}`);
  }

  protected collectSeries(series: GaugeSeries, values: PromValue[]): void {
    values.push({ value: series.value, labels: series.labels.toObject() });
  }
}
