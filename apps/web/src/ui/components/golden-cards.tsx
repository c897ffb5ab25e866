import type { StatRow } from '../api/api-types.js';
import {
  formatLatencyMs,
  formatMeshed,
  formatRps,
  formatSuccess,
  healthOf,
} from '../format/golden-format.js';
import type { MetricSample } from '../state/metric-history.js';
import { Sparkline } from './sparkline.js';

/** Props of {@link GoldenCards}. */
export interface GoldenCardsProps {
  /** The resource's stat row; undefined while loading. */
  readonly row: StatRow | undefined;
  /** Its history. */
  readonly series: readonly MetricSample[];
}

/** The golden metrics of one resource as large figures with their recent history. */
export function GoldenCards({ row, series }: GoldenCardsProps) {
  const s = row?.stats ?? null;
  const health = healthOf(s?.successRate);
  const cards = [
    {
      key: 'success',
      label: 'Success rate',
      value: formatSuccess(s?.successRate),
      spark: series.map((p) => p.successRate),
      format: formatSuccess,
      tone: `spark-${health}`,
      max: 1,
    },
    {
      key: 'rps',
      label: 'Requests / s',
      value: formatRps(s?.requestRate),
      spark: series.map((p) => p.rps),
      format: formatRps,
      tone: 'spark-neutral',
      min: 0,
    },
    {
      key: 'p50',
      label: 'P50 latency',
      value: formatLatencyMs(s?.latencyMs.p50),
      spark: series.map((p) => p.p50),
      format: formatLatencyMs,
      tone: 'spark-neutral',
      min: 0,
    },
    {
      key: 'p95',
      label: 'P95 latency',
      value: formatLatencyMs(s?.latencyMs.p95),
      spark: series.map((p) => p.p95),
      format: formatLatencyMs,
      tone: 'spark-neutral',
      min: 0,
    },
    {
      key: 'p99',
      label: 'P99 latency',
      value: formatLatencyMs(s?.latencyMs.p99),
      spark: series.map((p) => p.p99),
      format: formatLatencyMs,
      tone: 'spark-neutral',
      min: 0,
    },
  ];
  return (
    <div class="cards">
      {row !== undefined && row.meshedPods !== null && (
        <div class="card" data-card="meshed">
          <span class="card-label">Meshed pods</span>
          <span class="card-value">{formatMeshed(row.meshedPods, row.runningPods)}</span>
          <span class="card-note">
            {row.meshedPods === row.runningPods ? 'all meshed' : 'some not meshed'}
          </span>
        </div>
      )}
      {cards.map((c) => (
        <div class="card" key={c.key} data-card={c.key}>
          <span class="card-label">{c.label}</span>
          <span class={`card-value${c.key === 'success' ? ` text-${health}` : ''}`}>{c.value}</span>
          <Sparkline
            values={c.spark}
            label={c.label}
            format={c.format}
            width={140}
            height={30}
            tone={c.tone}
            {...(c.min === undefined ? {} : { min: c.min })}
            {...(c.max === undefined ? {} : { max: c.max })}
          />
        </div>
      ))}
    </div>
  );
}
