import { useState } from 'preact/hooks';
import { getJson } from '../api/api-client.js';
import type { PodsAnswer } from '../api/api-types.js';
import { EmptyState, FailureBanner } from '../components/failure-banner.js';
import { GoldenCards } from '../components/golden-cards.js';
import { GrafanaLink } from '../components/grafana-link.js';
import { RoutesTable } from '../components/routes-table.js';
import { StatTable } from '../components/stat-table.js';
import { TrafficTable } from '../components/traffic-table.js';
import { DependencyGraph } from '../graph/dependency-graph.js';
import { namespaceGraph, neighbourhoodGraph } from '../graph/graph-data.js';
import { formatLocation, type ResourceKind, tapRoute } from '../routing/routes.js';
import { useDashboard } from '../state/dashboard-context.js';
import { historyKey } from '../state/metric-history.js';
import { firstFailure, useEdges, useRoutes, useStat } from '../state/use-controller.js';
import { usePoll } from '../state/use-poll.js';

/** Props of {@link ResourcePage}. */
export interface ResourcePageProps {
  readonly namespace: string;
  readonly kind: ResourceKind;
  readonly name: string;
}

/**
 * One resource: its golden metrics with history, a live dependency graph of its callers and
 * callees (or of the whole namespace), the traffic on each edge, its routes and its pods.
 */
export function ResourcePage({ namespace, kind, name }: ResourcePageProps) {
  const { intervalMs, window, history, windowParam } = useDashboard();
  const [whole, setWhole] = useState(false);
  // Services do not send traffic: their callers are workloads.
  const peerKind: ResourceKind = kind === 'service' ? 'deployment' : kind;
  const self = useStat({ kind, namespace, name }, true);
  const peers = useStat({ kind: peerKind, namespace }, true);
  const inbound = useStat({ kind: peerKind, namespace, toKind: kind, toNamespace: namespace, toName: name });
  const outbound = useStat(
    kind === 'service'
      ? null
      : { kind: peerKind, namespace, fromKind: kind, fromNamespace: namespace, fromName: name },
  );
  const edges = useEdges(kind === 'service' ? null : kind, namespace);
  const routes = useRoutes(kind, namespace, name);
  const hasPods = kind !== 'pod' && kind !== 'service';
  const pods = usePoll(
    hasPods ? `pods ${namespace}` : null,
    (signal) => getJson<PodsAnswer>('api/pods', { namespace }, signal),
    intervalMs * 5,
  );
  const podStat = useStat(hasPods ? { kind: 'pod', namespace } : null, true);
  const { failure, stale } = firstFailure(self, peers, inbound, outbound, edges, routes);

  const row = self.data?.rows[0];
  const edgeRows = edges.data?.rows ?? [];
  const graph = whole
    ? namespaceGraph(peers.data?.rows ?? [], edgeRows, namespace, name)
    : neighbourhoodGraph(
        name,
        row,
        peers.data?.rows ?? [],
        inbound.data?.rows ?? [],
        outbound.data?.rows ?? [],
        edgeRows,
      );
  const ownPods = new Set(
    (pods.data?.pods ?? []).filter((p) => p.owner?.kind === kind && p.owner.name === name).map((p) => p.name),
  );
  const podRows = (podStat.data?.rows ?? []).filter((r) => ownPods.has(r.resource.name));
  const grafana: { uid: 'skein-pod' | 'skein-deployment'; vars: Record<string, string> } | undefined =
    kind === 'pod'
      ? { uid: 'skein-pod' as const, vars: { namespace, pod: name } }
      : kind === 'deployment'
        ? { uid: 'skein-deployment' as const, vars: { namespace, deployment: name } }
        : undefined;

  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={formatLocation({ page: 'overview' }, windowParam)}>Namespaces</a>{' '}
        <span aria-hidden="true">/</span>{' '}
        <a
          href={formatLocation(
            {
              page: 'namespace',
              namespace,
              tab: kind === 'pod' ? 'pods' : kind === 'service' ? 'services' : 'deployments',
            },
            window,
          )}
        >
          {namespace}
        </a>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">{name}</span>
      </nav>
      <div class="page-head">
        <h1>
          <span class="kind">{kind}</span> {name}
        </h1>
        <div class="actions">
          {kind !== 'service' && (
            <a class="button" href={formatLocation(tapRoute(namespace, `${kind}/${name}`), windowParam)}>
              Tap {name}
            </a>
          )}
          {grafana !== undefined && <GrafanaLink uid={grafana.uid} vars={grafana.vars} label="Grafana" />}
        </div>
      </div>
      {failure !== undefined && <FailureBanner failure={failure} retryMs={intervalMs} stale={stale} />}
      <GoldenCards row={row} series={history.series(historyKey(kind, namespace, name))} />
      {row !== undefined && row.stats === null && (
        <EmptyState title={`No traffic to ${name} in the last ${window}`} name="no-traffic">
          <p>
            {row.meshedPods === 0
              ? `${name} has no meshed pods: inject the proxy to see its traffic.`
              : 'Its proxies saw no requests, and no meshed client called it. Send some traffic, or pick a longer window.'}
          </p>
        </EmptyState>
      )}
      <section aria-labelledby="graph-title">
        <div class="section-head">
          <h2 id="graph-title">Dependencies</h2>
          {kind !== 'service' && (
            <label class="toggle">
              <input type="checkbox" checked={whole} onChange={(e) => setWhole(e.currentTarget.checked)} />{' '}
              whole namespace
            </label>
          )}
        </div>
        {graph.edges.length > 0 ? (
          <DependencyGraph
            nodes={graph.nodes}
            edges={graph.edges}
            namespace={namespace}
            kind={peerKind}
            title={whole ? `${peerKind}s of ${namespace}` : `Callers and callees of ${name}`}
          />
        ) : (
          inbound.data !== undefined && (
            <EmptyState title={`${name} has no meshed callers or callees`} name="no-edges">
              <p>Edges appear when meshed resources exchange requests within the last {window}.</p>
            </EmptyState>
          )
        )}
      </section>
      <div class="split">
        <section aria-labelledby="inbound-title">
          <h2 id="inbound-title">Inbound</h2>
          <TrafficTable
            rows={inbound.data?.rows ?? []}
            edges={edgeRows}
            direction="inbound"
            name={name}
            kind={peerKind}
            caption={`Callers of ${name}`}
          />
        </section>
        {kind !== 'service' && (
          <section aria-labelledby="outbound-title">
            <h2 id="outbound-title">Outbound</h2>
            <TrafficTable
              rows={outbound.data?.rows ?? []}
              edges={edgeRows}
              direction="outbound"
              name={name}
              kind={peerKind}
              caption={`Called by ${name}`}
            />
          </section>
        )}
      </div>
      <section aria-labelledby="routes-title">
        <h2 id="routes-title">Routes</h2>
        {routes.data !== undefined && <RoutesTable rows={routes.data.rows} resource={name} />}
      </section>
      {hasPods && podRows.length > 0 && (
        <section aria-labelledby="pods-title">
          <h2 id="pods-title">Pods</h2>
          <StatTable rows={podRows} kind="pod" caption={`Pods of ${name}`} />
        </section>
      )}
    </>
  );
}
