import type { RouteRow } from '../api/api-types.js';
import { formatLatencyMs, formatRps, formatSuccess, healthOf } from '../format/golden-format.js';

/** Per-route golden metrics of a resource (its ServiceProfile routes; `[DEFAULT]` for the rest). */
export function RoutesTable({ rows, resource }: { rows: readonly RouteRow[]; resource: string }) {
  if (rows.length === 0) {
    return (
      <p class="muted" data-routes="none">
        No routes for {resource}: define them in a ServiceProfile (<code>linkerd profile</code> writes one) to
        see per-route figures; requests no route matches show as <code>[DEFAULT]</code>.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="stat-table" data-routes="table">
        <caption>Routes of {resource}</caption>
        <thead>
          <tr>
            <th scope="col" class="col-name">
              Route
            </th>
            <th scope="col">Service</th>
            <th scope="col" class="num">
              Success
            </th>
            <th scope="col" class="num">
              RPS
            </th>
            <th scope="col" class="num">
              P50
            </th>
            <th scope="col" class="num">
              P95
            </th>
            <th scope="col" class="num">
              P99
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.authority}|${r.route}`} data-route={r.route}>
              <th scope="row" class="col-name">
                <code>{r.route}</code>
              </th>
              <td class="muted">{r.authority.replace(/\.svc\.cluster\.local(:\d+)?$/, '')}</td>
              <td class="num" data-col="success">
                <span class={`dot dot-${healthOf(r.stats?.successRate)}`} aria-hidden="true" />
                {formatSuccess(r.stats?.successRate)}
              </td>
              <td class="num" data-col="rps">
                {formatRps(r.stats?.requestRate)}
              </td>
              <td class="num">{formatLatencyMs(r.stats?.latencyMs.p50)}</td>
              <td class="num">{formatLatencyMs(r.stats?.latencyMs.p95)}</td>
              <td class="num">{formatLatencyMs(r.stats?.latencyMs.p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
