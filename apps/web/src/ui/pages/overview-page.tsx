import { EmptyState, FailureBanner } from '../components/failure-banner.js';
import { GrafanaLink } from '../components/grafana-link.js';
import { StatTable } from '../components/stat-table.js';
import { formatRps, formatSuccess } from '../format/golden-format.js';
import { useDashboard } from '../state/dashboard-context.js';
import { firstFailure, useStat } from '../state/use-controller.js';

/** The namespaces overview: the mesh at a glance, then golden metrics per namespace. */
export function OverviewPage() {
  const { intervalMs, window } = useDashboard();
  const stat = useStat({ kind: 'namespace', allNamespaces: 'true' }, true);
  const { failure, stale } = firstFailure(stat);
  const rows = stat.data?.rows ?? [];
  const meshed = rows.reduce((s, r) => s + (r.meshedPods ?? 0), 0);
  const running = rows.reduce((s, r) => s + (r.runningPods ?? 0), 0);
  const rps = rows.reduce((s, r) => s + (r.stats?.requestRate ?? 0), 0);
  const ok = rows.reduce((s, r) => s + (r.stats?.successPerSecond ?? 0), 0);
  const answered = rows.reduce(
    (s, r) => s + (r.stats ? r.stats.successPerSecond + r.stats.failurePerSecond : 0),
    0,
  );
  return (
    <>
      <div class="page-head">
        <h1>Namespaces</h1>
        <GrafanaLink uid="skein-top-line" label="Grafana: top line" />
      </div>
      {failure !== undefined && <FailureBanner failure={failure} retryMs={intervalMs} stale={stale} />}
      {stat.data !== undefined && (
        <div class="cards" data-summary>
          <div class="card" data-card="namespaces">
            <span class="card-label">Namespaces</span>
            <span class="card-value">{rows.length}</span>
          </div>
          <div class="card" data-card="meshed">
            <span class="card-label">Meshed pods</span>
            <span class="card-value">
              {meshed}/{running}
            </span>
            <span class="card-note">{running - meshed} not meshed</span>
          </div>
          <div class="card" data-card="rps">
            <span class="card-label">Requests / s</span>
            <span class="card-value">{formatRps(rps)}</span>
            <span class="card-note">over {window}</span>
          </div>
          <div class="card" data-card="success">
            <span class="card-label">Success rate</span>
            <span class="card-value">{formatSuccess(answered > 0 ? ok / answered : null)}</span>
            <span class="card-note">all meshed traffic</span>
          </div>
        </div>
      )}
      {stat.data !== undefined && meshed === 0 && (
        <EmptyState title="No meshed pods yet" name="no-meshed-pods">
          <p>
            The controller knows {running} pod{running === 1 ? '' : 's'}, none with a Skein proxy. On one
            machine, start the local mesh with <code>npm start</code>; on Kubernetes, add the proxy with{' '}
            <code>skein inject deployment.yaml | kubectl apply -f -</code> and the figures appear here within
            seconds.
          </p>
        </EmptyState>
      )}
      {stat.data === undefined && failure === undefined && <p class="loading">Loading namespaces…</p>}
      {rows.length > 0 && <StatTable rows={rows} kind="namespace" caption="Golden metrics per namespace" />}
    </>
  );
}
