import { InvalidQueryError } from '../errors.js';
import type { Inventory, PodInfo } from '../inventory/inventory.js';
import { listResources, type ResourceKind } from '../inventory/resources.js';
import type { MetricsSource } from '../metrics/metrics-source.js';

/** An edge query (`skein edges`). */
export interface EdgesQuery {
  /** Kind of both ends (a workload kind or `pod`). */
  readonly kind: ResourceKind;
  /** Namespace; undefined means every namespace. */
  readonly namespace?: string;
  /** Window, ms. */
  readonly windowMs: number;
}

/** Who talks to whom. */
export interface EdgeRow {
  /** The client resource. */
  readonly src: { readonly namespace: string; readonly name: string };
  /** The server resource. */
  readonly dst: { readonly namespace: string; readonly name: string };
  /** The client's mTLS identity, when the connection was mTLS and it is known. */
  readonly clientId: string | null;
  /** The server's mTLS identity, when mTLS. */
  readonly serverId: string | null;
  /** Whether the traffic was mTLS. */
  readonly secured: boolean;
  /** Why not, when not secured (`not_provided_by_service_discovery`, …). */
  readonly noTlsReason: string | null;
  /** Requests per second over the window. */
  readonly requestRate: number;
}

/**
 * Answers an edges query from the clients' outbound `request_total` (`dst_*`, `tls`,
 * `server_id`, `no_tls_reason`) and the servers' inbound `client_id`, falling back to the
 * client pods' identities from the inventory.
 */
export async function queryEdges(
  inventory: Inventory,
  metrics: MetricsSource,
  q: EdgesQuery,
): Promise<EdgeRow[]> {
  if (q.kind === 'service' || q.kind === 'authority' || q.kind === 'namespace') {
    throw new InvalidQueryError('kind', q.kind, 'a workload kind (deployment, statefulset, …) or pod');
  }
  const k = q.kind;
  const ns: Record<string, string> = q.namespace === undefined ? {} : { namespace: q.namespace };
  const [outbound, inbound, groups] = await Promise.all([
    metrics.rate({
      metric: 'request_total',
      match: { direction: 'outbound', ...ns },
      by: ['namespace', k, 'dst_namespace', `dst_${k}`, 'tls', 'server_id', 'no_tls_reason'],
      windowMs: q.windowMs,
    }),
    metrics.rate({
      metric: 'request_total',
      match: { direction: 'inbound' },
      by: ['namespace', k, 'client_id'],
      windowMs: q.windowMs,
    }),
    listResources(inventory, k, undefined),
  ]);
  const podsOf = new Map<string, readonly PodInfo[]>(groups.map((g) => [`${g.namespace}/${g.name}`, g.pods]));
  const rows = new Map<string, EdgeRow & { requestRate: number }>();
  for (const s of outbound) {
    const l = s.labels;
    const srcName = l[k] ?? '';
    const dstName = l[`dst_${k}`] ?? '';
    if (srcName === '' || dstName === '' || s.value <= 0) continue;
    const src = { namespace: l.namespace ?? '', name: srcName };
    const dst = { namespace: l.dst_namespace || src.namespace, name: dstName };
    const secured = l.tls === 'true';
    const accounts = (podsOf.get(`${src.namespace}/${src.name}`) ?? []).map(
      (p) => `${p.serviceAccount}.${src.namespace}.`,
    );
    const seen = inbound.find(
      (i) =>
        i.labels.namespace === dst.namespace &&
        i.labels[k] === dst.name &&
        accounts.some((a) => (i.labels.client_id ?? '').startsWith(a)),
    )?.labels.client_id;
    const known = (podsOf.get(`${src.namespace}/${src.name}`) ?? []).find(
      (p) => p.proxy?.identity !== undefined,
    )?.proxy?.identity;
    const key = `${src.namespace}/${src.name}>${dst.namespace}/${dst.name}>${l.tls}>${l.server_id}>${l.no_tls_reason}`;
    const existing = rows.get(key);
    if (existing !== undefined) {
      existing.requestRate += s.value;
      continue;
    }
    rows.set(key, {
      src,
      dst,
      clientId: secured ? (seen ?? known ?? null) : null,
      serverId: secured && l.server_id ? l.server_id : null,
      secured,
      noTlsReason: secured ? null : l.no_tls_reason || l.tls || null,
      requestRate: s.value,
    });
  }
  return [...rows.values()].sort(
    (a, b) =>
      a.src.namespace.localeCompare(b.src.namespace) ||
      a.src.name.localeCompare(b.src.name) ||
      a.dst.name.localeCompare(b.dst.name),
  );
}
