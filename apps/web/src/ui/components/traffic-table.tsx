import type { EdgeRow, StatRow } from '../api/api-types.js';
import { formatLatencyMs, formatRps, formatSuccess, healthOf } from '../format/golden-format.js';
import { formatLocation, type ResourceKind } from '../routing/routes.js';
import { useDashboard } from '../state/dashboard-context.js';

/** Props of {@link TrafficTable}. */
export interface TrafficTableProps {
  /** Stat rows of the peers, measured on the traffic between them and the resource. */
  readonly rows: readonly StatRow[];
  /** Edges, for the TLS column. */
  readonly edges: readonly EdgeRow[];
  /** Which side the peers are on. */
  readonly direction: 'inbound' | 'outbound';
  /** The resource the page is about. */
  readonly name: string;
  readonly kind: ResourceKind;
  readonly caption: string;
}

/** Golden metrics of the traffic between a resource and each caller (inbound) or callee (outbound), with mTLS. */
export function TrafficTable({ rows, edges, direction, name, kind, caption }: TrafficTableProps) {
  const { window, windowParam } = useDashboard();
  const live = rows.filter((r) => r.stats !== null && r.stats.requestRate > 0);
  if (live.length === 0) {
    return (
      <p class="muted" data-traffic={direction}>
        {direction === 'inbound' ? 'No meshed callers' : 'No calls to meshed resources'} in the last {window}.
      </p>
    );
  }
  return (
    <div class="table-scroll">
      <table class="stat-table" data-traffic={direction}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" class="col-name">
              {direction === 'inbound' ? 'From' : 'To'}
            </th>
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
            <th scope="col">mTLS</th>
          </tr>
        </thead>
        <tbody>
          {live.map((r) => {
            const peer = r.resource.name;
            const [src, dst] = direction === 'inbound' ? [peer, name] : [name, peer];
            const e = edges.filter((x) => x.src.name === src && x.dst.name === dst);
            const secured = e.length === 0 ? null : e.every((x) => x.secured);
            const ids = e.find((x) => x.secured);
            const s = r.stats!;
            return (
              <tr key={peer} data-resource={peer}>
                <th scope="row" class="col-name">
                  <a
                    href={formatLocation(
                      { page: 'resource', namespace: r.resource.namespace, kind, name: peer },
                      windowParam,
                    )}
                  >
                    {peer}
                  </a>
                </th>
                <td class="num" data-col="success">
                  <span class={`dot dot-${healthOf(s.successRate)}`} aria-hidden="true" />
                  {formatSuccess(s.successRate)}
                </td>
                <td class="num" data-col="rps">
                  {formatRps(s.requestRate)}
                </td>
                <td class="num">{formatLatencyMs(s.latencyMs.p50)}</td>
                <td class="num">{formatLatencyMs(s.latencyMs.p95)}</td>
                <td class="num">{formatLatencyMs(s.latencyMs.p99)}</td>
                <td
                  data-col="tls"
                  title={
                    ids === undefined
                      ? undefined
                      : `client ${ids.clientId ?? '?'} → server ${ids.serverId ?? '?'}`
                  }
                >
                  {secured === null ? (
                    '–'
                  ) : secured ? (
                    <span class="badge badge-good">mTLS</span>
                  ) : (
                    <span class="badge badge-warning">{e[0]?.noTlsReason ?? 'plain'}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
