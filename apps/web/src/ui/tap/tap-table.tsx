import { formatBytes, formatMicros } from '../format/golden-format.js';
import type { TapRow } from './tap-rows.js';

function statusClass(status: number | undefined, grpc: number | undefined): string {
  if (status === undefined) return 'status-pending';
  if (status >= 500 || (grpc !== undefined && grpc !== 0)) return 'status-error';
  if (status >= 400) return 'status-warning';
  return 'status-ok';
}

/** Live tapped requests, newest first. */
export function TapTable({ rows }: { rows: readonly TapRow[] }) {
  return (
    <div class="table-scroll">
      <table class="tap-table" data-tap="rows">
        <caption class="visually-hidden">Tapped requests, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Dir</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Method</th>
            <th scope="col" class="col-path">
              Path
            </th>
            <th scope="col" class="num">
              Status
            </th>
            <th scope="col" class="num">
              Latency
            </th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col" class="num">
              Bytes
            </th>
            <th scope="col">mTLS</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.key}
              data-direction={r.direction}
              data-status={r.status ?? ''}
              data-path={r.path ?? ''}
            >
              <td>
                <span class={`badge ${r.direction === 'inbound' ? 'badge-in' : 'badge-out'}`}>
                  {r.direction === 'inbound' ? 'in' : r.direction === 'outbound' ? 'out' : '?'}
                </span>
              </td>
              <td title={r.sourceDetail}>{r.source}</td>
              <td title={r.destinationDetail}>{r.destination}</td>
              <td data-col="method">{r.method ?? '–'}</td>
              <td
                class="col-path"
                title={
                  r.authority === undefined
                    ? undefined
                    : `${r.authority}${r.path ?? ''}${r.route ? ` (route ${r.route})` : ''}`
                }
              >
                <code>{r.path ?? '–'}</code>
              </td>
              <td class={`num ${statusClass(r.status, r.grpcStatus)}`} data-col="status">
                {r.status ?? '…'}
                {r.grpcStatus !== undefined && r.grpcStatus !== 0 ? ` grpc ${r.grpcStatus}` : ''}
              </td>
              <td class="num">{formatMicros(r.latencyUs)}</td>
              <td class="num">{formatMicros(r.durationUs)}</td>
              <td class="num">{formatBytes(r.responseBytes)}</td>
              <td>
                {r.secured ? <span class="badge badge-good">mTLS</span> : <span class="muted">no</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
