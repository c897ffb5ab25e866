import { EmptyState, FailureBanner } from '../components/failure-banner.js';
import { GoldenCards } from '../components/golden-cards.js';
import { GrafanaLink } from '../components/grafana-link.js';
import { StatTable } from '../components/stat-table.js';
import { DependencyGraph } from '../graph/dependency-graph.js';
import { namespaceGraph } from '../graph/graph-data.js';
import { formatLocation, NAMESPACE_TABS, type NamespaceTab, TAB_KIND, tapRoute } from '../routing/routes.js';
import { useDashboard } from '../state/dashboard-context.js';
import { historyKey } from '../state/metric-history.js';
import { firstFailure, useEdges, useStat } from '../state/use-controller.js';

const TAB_LABEL: Readonly<Record<NamespaceTab, string>> = {
  deployments: 'Deployments',
  pods: 'Pods',
  services: 'Services',
};

/** One namespace: its golden metrics, a table per kind, and the dependency graph of its deployments. */
export function NamespacePage({ namespace, tab }: { namespace: string; tab: NamespaceTab }) {
  const { intervalMs, window, history, windowParam } = useDashboard();
  const ns = useStat({ kind: 'namespace', name: namespace }, true);
  const deployments = useStat({ kind: 'deployment', namespace }, true);
  const tabKind = TAB_KIND[tab];
  const other = useStat(tab === 'deployments' ? null : { kind: tabKind, namespace }, true);
  const tabStat = tab === 'deployments' ? deployments : other;
  const edges = useEdges('deployment', namespace);
  const { failure, stale } = firstFailure(ns, deployments, tabStat, edges);
  const nsRow = ns.data?.rows[0];
  const graph = namespaceGraph(deployments.data?.rows ?? [], edges.data?.rows ?? [], namespace);
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={formatLocation({ page: 'overview' }, windowParam)}>Namespaces</a>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">{namespace}</span>
      </nav>
      <div class="page-head">
        <h1>
          <span class="kind">namespace</span> {namespace}
        </h1>
        <div class="actions">
          <a class="button" href={formatLocation(tapRoute(namespace, `namespace/${namespace}`), windowParam)}>
            Tap namespace
          </a>
          <GrafanaLink uid="skein-top-line" vars={{ namespace }} label="Grafana" />
        </div>
      </div>
      {failure !== undefined && <FailureBanner failure={failure} retryMs={intervalMs} stale={stale} />}
      <GoldenCards row={nsRow} series={history.series(historyKey('namespace', namespace, namespace))} />
      {nsRow !== undefined && nsRow.meshedPods === 0 && (
        <EmptyState title={`No meshed pods in ${namespace}`} name="no-meshed-pods">
          <p>
            Add the proxy to this namespace's workloads (
            <code>skein inject deployment.yaml | kubectl apply -f -</code>, or annotate the namespace with{' '}
            <code>linkerd.io/inject: enabled</code> and restart them) to see their traffic.
          </p>
        </EmptyState>
      )}
      <nav class="tabs" aria-label="Resource kinds">
        {NAMESPACE_TABS.map((t) => (
          <a
            key={t}
            href={formatLocation({ page: 'namespace', namespace, tab: t }, windowParam)}
            aria-current={t === tab ? 'page' : undefined}
            class={t === tab ? 'tab tab-current' : 'tab'}
          >
            {TAB_LABEL[t]}
          </a>
        ))}
      </nav>
      {tabStat.data === undefined && tabStat.failure === undefined && <p class="loading">Loading…</p>}
      {tabStat.data !== undefined &&
        (tabStat.data.rows.length === 0 ? (
          <EmptyState title={`No ${TAB_LABEL[tab].toLowerCase()} in ${namespace}`} name={`no-${tab}`}>
            <p>The controller's inventory lists none here.</p>
          </EmptyState>
        ) : (
          <StatTable rows={tabStat.data.rows} kind={tabKind} caption={`${TAB_LABEL[tab]} in ${namespace}`} />
        ))}
      <section aria-labelledby="graph-title">
        <h2 id="graph-title">Dependencies</h2>
        {graph.edges.length > 0 ? (
          <DependencyGraph
            nodes={graph.nodes}
            edges={graph.edges}
            namespace={namespace}
            kind="deployment"
            title={`Deployments of ${namespace}`}
          />
        ) : (
          edges.data !== undefined && (
            <EmptyState title="No traffic between meshed deployments" name="no-edges">
              <p>
                Edges appear when a meshed deployment calls another over the last {window}. Send some traffic,
                or pick a longer window.
              </p>
            </EmptyState>
          )
        )}
      </section>
    </>
  );
}
