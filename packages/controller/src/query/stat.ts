import type { Inventory } from '../inventory/inventory.js';
import {
  listResources,
  type ResourceGroup,
  type ResourceKind,
  type ResourceRef,
} from '../inventory/resources.js';
import type { LabelMatch, MetricsSource } from '../metrics/metrics-source.js';
import { groupKey, type TcpStats, type TrafficStats, tcpByGroup, trafficByGroup } from './traffic.js';

/** A stat query (`skein stat`). */
export interface StatQuery {
  /** Kind of the rows. */
  readonly kind: ResourceKind;
  /** Namespace; undefined means every namespace (`-A`). */
  readonly namespace?: string;
  /** Only this resource. */
  readonly name?: string;
  /** Window (`-t`), ms. */
  readonly windowMs: number;
  /** Only traffic from this resource (`--from`). */
  readonly from?: ResourceRef;
  /** Only traffic to this resource (`--to`). */
  readonly to?: ResourceRef;
  /** Only pods with these labels (`-l`). */
  readonly labelSelector?: string;
}

/**
 * Where a row's numbers were measured:
 * - `inbound`: by the resource's own proxies, on requests they received (Linkerd's default);
 * - `outbound`: by meshed clients' proxies, on requests they sent to the resource (services,
 *   authorities, `--from`/`--to`, and workloads whose proxies see no inbound traffic — e.g.
 *   on one machine without iptables redirection).
 */
export type MeasuredFrom = 'inbound' | 'outbound';

/** One row of a stat answer. */
export interface StatRow {
  /** The resource. */
  readonly resource: { readonly kind: ResourceKind; readonly namespace: string; readonly name: string };
  /** Meshed pods (null for authorities). */
  readonly meshedPods: number | null;
  /** Running pods (null for authorities). */
  readonly runningPods: number | null;
  /** Where the numbers come from; null when there was no traffic. */
  readonly measuredFrom: MeasuredFrom | null;
  /** Request statistics; null without traffic in the window. */
  readonly stats: TrafficStats | null;
  /** TCP statistics of the resource's proxies (inbound view only). */
  readonly tcp: TcpStats | null;
}

/** The label a kind's series carry on the server side (`deployment`) and client side (`dst_deployment`). */
export function kindLabel(kind: ResourceKind): string {
  return kind;
}

function resourceMatch(
  prefix: '' | 'dst_',
  r: { kind: ResourceKind; namespace?: string | undefined; name?: string | undefined },
): Record<string, string> {
  const m: Record<string, string> = {};
  if (r.kind === 'namespace') {
    const ns = r.name ?? r.namespace;
    if (ns !== undefined) m[`${prefix}namespace`] = ns;
    return m;
  }
  if (r.namespace !== undefined) m[`${prefix}namespace`] = r.namespace;
  if (r.name !== undefined) m[`${prefix}${kindLabel(r.kind)}`] = r.name;
  return m;
}

function groupLabels(prefix: '' | 'dst_', kind: ResourceKind): string[] {
  if (kind === 'namespace') return [`${prefix}namespace`];
  if (kind === 'authority') return ['authority'];
  return [`${prefix}namespace`, `${prefix}${kindLabel(kind)}`];
}

/**
 * Answers a stat query: one row per resource of the kind (every known one, with or without
 * traffic; authorities as seen in metrics), with meshed/running pod counts, success rate,
 * requests per second and p50/p95/p99 latency over the window, and TCP connections and bytes.
 */
export async function queryStat(
  inventory: Inventory,
  metrics: MetricsSource,
  q: StatQuery,
): Promise<StatRow[]> {
  const target = { kind: q.kind, namespace: q.namespace, name: q.name };
  let groups: ResourceGroup[] = await listResources(
    inventory,
    q.kind,
    q.kind === 'namespace' ? undefined : q.namespace,
    q.labelSelector,
  );
  if (q.kind === 'namespace' && (q.name ?? q.namespace) !== undefined) {
    groups = groups.filter((g) => g.name === (q.name ?? q.namespace));
  } else if (q.name !== undefined) groups = groups.filter((g) => g.name === q.name);

  // Client-side view: what meshed clients sent to the resource (or what --from sent, or what
  // the resource sent to --to).
  let outMatch: LabelMatch;
  let outBy: string[];
  if (q.to !== undefined) {
    outMatch = { direction: 'outbound', ...resourceMatch('', target), ...resourceMatch('dst_', q.to) };
    outBy = groupLabels('', q.kind);
  } else {
    outMatch = {
      direction: 'outbound',
      ...(q.kind === 'authority' ? {} : resourceMatch('dst_', target)),
      ...(q.from === undefined ? {} : resourceMatch('', q.from)),
    };
    outBy = groupLabels('dst_', q.kind);
  }
  const useInbound =
    q.kind !== 'service' && q.kind !== 'authority' && q.from === undefined && q.to === undefined;
  const inMatch: LabelMatch = { direction: 'inbound', ...resourceMatch('', target) };
  const inBy = groupLabels('', q.kind);
  const [outbound, inbound, tcp] = await Promise.all([
    trafficByGroup(metrics, '', outMatch, outBy, q.windowMs),
    useInbound ? trafficByGroup(metrics, '', inMatch, inBy, q.windowMs) : Promise.resolve(undefined),
    useInbound || q.to !== undefined
      ? tcpByGroup(metrics, { direction: 'inbound', ...resourceMatch('', target) }, inBy, q.windowMs)
      : Promise.resolve(undefined),
  ]);

  const keyOf = (ns: string, name: string) =>
    q.kind === 'namespace' ? groupKey([name]) : groupKey([ns, name]);
  const rows: StatRow[] = [];
  if (q.kind === 'authority') {
    for (const { labels, stats } of outbound.values()) {
      if (labels.authority === '') continue;
      if (q.name !== undefined && labels.authority !== q.name) continue;
      rows.push({
        resource: { kind: 'authority', namespace: q.namespace ?? '', name: labels.authority ?? '' },
        meshedPods: null,
        runningPods: null,
        measuredFrom: 'outbound',
        stats,
        tcp: null,
      });
    }
    return rows.sort((a, b) => a.resource.name.localeCompare(b.resource.name));
  }
  for (const g of groups) {
    const k = keyOf(g.namespace, g.name);
    const fromInbound = inbound?.get(k);
    const fromOutbound = outbound.get(k);
    const chosen = fromInbound ?? fromOutbound;
    rows.push({
      resource: { kind: q.kind, namespace: g.namespace, name: g.name },
      meshedPods: g.pods.filter((p) => p.meshed).length,
      runningPods: g.pods.filter((p) => p.running).length,
      measuredFrom: chosen === undefined ? null : fromInbound !== undefined ? 'inbound' : 'outbound',
      stats: chosen?.stats ?? null,
      tcp: tcp?.get(k) ?? null,
    });
  }
  return rows.sort(
    (a, b) =>
      a.resource.namespace.localeCompare(b.resource.namespace) ||
      a.resource.name.localeCompare(b.resource.name),
  );
}
