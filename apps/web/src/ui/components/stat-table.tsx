import { useState } from 'preact/hooks';
import type { StatRow } from '../api/api-types.js';
import {
  formatLatencyMs,
  formatMeshed,
  formatRps,
  formatSuccess,
  healthOf,
} from '../format/golden-format.js';
import { formatLocation, type ResourceKind, tapRoute } from '../routing/routes.js';
import { useDashboard } from '../state/dashboard-context.js';
import { historyKey } from '../state/metric-history.js';
import { Sparkline } from './sparkline.js';

type SortKey = 'name' | 'meshed' | 'success' | 'rps' | 'p50' | 'p95' | 'p99';

const COLUMNS: readonly { key: SortKey; label: string; title: string }[] = [
  { key: 'name', label: 'Name', title: 'resource name' },
  { key: 'meshed', label: 'Meshed', title: 'meshed pods / running pods' },
  { key: 'success', label: 'Success', title: 'share of successful responses' },
  { key: 'rps', label: 'RPS', title: 'requests per second' },
  { key: 'p50', label: 'P50', title: '50th percentile latency' },
  { key: 'p95', label: 'P95', title: '95th percentile latency' },
  { key: 'p99', label: 'P99', title: '99th percentile latency' },
];

function sortValue(row: StatRow, key: SortKey): number | string {
  const s = row.stats;
  switch (key) {
    case 'name':
      return `${row.resource.namespace}/${row.resource.name}`;
    case 'meshed':
      return row.meshedPods ?? -1;
    case 'success':
      return s?.successRate ?? -1;
    case 'rps':
      return s?.requestRate ?? -1;
    default:
      return s?.latencyMs[key] ?? -1;
  }
}

/** Props of {@link StatTable}. */
export interface StatTableProps {
  readonly rows: readonly StatRow[];
  /** The rows' kind, for links and history. */
  readonly kind: ResourceKind | 'namespace';
  /** Table caption (`Deployments`). */
  readonly caption: string;
  /** Hide the Meshed column (authority-like rows). */
  readonly hideMeshed?: boolean;
}

/**
 * Golden metrics per resource — meshed pods, success rate, requests per second, p50/p95/p99
 * latency — with recent history as sparklines; sortable by any column, every name a link to
 * its page.
 */
export function StatTable({ rows, kind, caption, hideMeshed }: StatTableProps) {
  const { history, window, windowParam } = useDashboard();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const sorted = [...rows].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return sort.desc ? -c : c;
  });
  const columns = hideMeshed ? COLUMNS.filter((c) => c.key !== 'meshed') : COLUMNS;
  const href = (row: StatRow) =>
    kind === 'namespace'
      ? formatLocation({ page: 'namespace', namespace: row.resource.name, tab: 'deployments' }, windowParam)
      : formatLocation(
          { page: 'resource', namespace: row.resource.namespace, kind, name: row.resource.name },
          window,
        );
  const tappable = kind !== 'service';
  return (
    <div class="table-scroll">
      <table class="stat-table" data-kind={kind}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                class={c.key === 'name' ? 'col-name' : 'num'}
                aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              >
                <button
                  type="button"
                  class="sort"
                  title={`Sort by ${c.title}`}
                  onClick={() =>
                    setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : c.key !== 'name' }))
                  }
                >
                  {c.label}
                  <span aria-hidden="true" class="sort-mark">
                    {sort.key === c.key ? (sort.desc ? '▼' : '▲') : ''}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col" class="col-trend">
              Trend
            </th>
            {tappable && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const r = row.resource;
            const s = row.stats;
            const series = history.series(historyKey(kind, r.namespace, r.name));
            const health = healthOf(s?.successRate);
            return (
              <tr key={`${r.namespace}/${r.name}`} data-resource={r.name}>
                <th scope="row" class="col-name">
                  <a href={href(row)}>{r.name}</a>
                  {kind !== 'namespace' && row.meshedPods === 0 && (
                    <span class="badge badge-muted">unmeshed</span>
                  )}
                </th>
                {!hideMeshed && (
                  <td class="num" data-col="meshed">
                    {formatMeshed(row.meshedPods, row.runningPods)}
                  </td>
                )}
                <td class="num" data-col="success">
                  <span class={`dot dot-${health}`} aria-hidden="true" />
                  {formatSuccess(s?.successRate)}
                </td>
                <td class="num" data-col="rps">
                  {formatRps(s?.requestRate)}
                </td>
                <td class="num" data-col="p50">
                  {formatLatencyMs(s?.latencyMs.p50)}
                </td>
                <td class="num" data-col="p95">
                  {formatLatencyMs(s?.latencyMs.p95)}
                </td>
                <td class="num" data-col="p99">
                  {formatLatencyMs(s?.latencyMs.p99)}
                </td>
                <td class="col-trend">
                  <div class="trend">
                    <Sparkline
                      values={series.map((p) => p.rps)}
                      label={`${r.name} requests per second`}
                      format={formatRps}
                      min={0}
                    />
                    <Sparkline
                      values={series.map((p) => p.successRate)}
                      label={`${r.name} success rate`}
                      format={formatSuccess}
                      max={1}
                      tone={`spark-${health}`}
                    />
                  </div>
                </td>
                {tappable && (
                  <td>
                    <a
                      class="button button-small"
                      href={formatLocation(
                        tapRoute(
                          kind === 'namespace' ? r.name : r.namespace,
                          kind === 'namespace' ? `namespace/${r.name}` : `${kind}/${r.name}`,
                        ),
                        windowParam,
                      )}
                      aria-label={`Tap ${kind} ${r.name}`}
                    >
                      Tap
                    </a>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
