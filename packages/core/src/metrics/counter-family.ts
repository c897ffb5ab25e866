import { formatSampleValue } from './exposition.js';
import { type FamilyOptions, MetricFamily, type PromValue } from './family.js';
import type { LabelSet } from './label-set.js';
import { CounterSeries } from './series.js';

/**
 * A counter family with O(1) handles.
 *
 * @example
 * ```ts
 * const requests = new CounterFamily({ name: 'request_total', help: 'Requests', registry });
 * const handle = requests.series(endpointLabels); // once per endpoint
 * handle.inc();                                   // per request: one add
 * ```
 */
export class CounterFamily extends MetricFamily<CounterSeries> {
  readonly type = 'counter';

  constructor(options: FamilyOptions) {
    super(options);
  }

  protected create(labels: LabelSet): CounterSeries {
    return new CounterSeries(this, labels);
  }

  protected renderSeries(series: CounterSeries, lines: string[]): void {
    lines.push(`${this.metricName}${series.labels} ${formatSampleValue(series.value)}`);
  }

  protected collectSeries(series: CounterSeries, values: PromValue[]): void {
    values.push({ value: series.value, labels: series.labels.toObject() });
  }
}
