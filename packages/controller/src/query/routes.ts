import type { Inventory } from '../inventory/inventory.js';
import { listResources, type ResourceRef } from '../inventory/resources.js';
import { escapeRegex, type LabelMatch, type MetricsSource } from '../metrics/metrics-source.js';
import type { TrafficStats } from './traffic.js';
import { trafficByGroup } from './traffic.js';

/** A routes query (`skein routes`). */
export interface RoutesQuery {
  /** The resource whose routes to show (`svc/web`, `deploy/web`). */
  readonly resource: ResourceRef;
  /** Only requests the resource sent to this one (`--to`). */
  readonly to?: ResourceRef;
  /** Window, ms. */
  readonly windowMs: number;
}

/** One ServiceProfile route. */
export interface RouteRow {
  /** Route name; `[DEFAULT]` for requests no route matched. */
  readonly route: string;
  /** The profile's service (`web.demo.svc.cluster.local:80`). */
  readonly authority: string;
  /** Statistics; null without traffic. */
  readonly stats: TrafficStats | null;
}

/** The name Linkerd shows for requests that matched no route. */
export const DEFAULT_ROUTE = '[DEFAULT]';

async function serviceFqdns(inventory: Inventory, r: ResourceRef): Promise<string[]> {
  const services = await inventory.services(r.namespace);
  if (r.kind === 'service')
    return services.filter((s) => r.name === undefined || s.name === r.name).map((s) => s.fqdn);
  const groups = await listResources(inventory, r.kind, r.namespace);
  const pods = new Set(
    groups.filter((g) => r.name === undefined || g.name === r.name).flatMap((g) => g.pods.map((p) => p.name)),
  );
  return services.filter((s) => s.pods.some((p) => pods.has(p))).map((s) => s.fqdn);
}

/**
 * Per-route statistics from `route_response_total` and `route_response_latency_ms_bucket`:
 * requests the resource's proxies received (inbound), or — with `--to`, or when the resource
 * sees no inbound traffic — requests meshed clients sent to its services (outbound, `dst`).
 * Every route of the matching ServiceProfiles is listed, with or without traffic.
 */
export async function queryRoutes(
  inventory: Inventory,
  metrics: MetricsSource,
  q: RoutesQuery,
): Promise<RouteRow[]> {
  const r = q.resource;
  const dstOf = async (ref: ResourceRef) => {
    const fqdns = await serviceFqdns(inventory, ref);
    return {
      fqdns,
      match: { regex: fqdns.length === 0 ? '$^' : `(${fqdns.map(escapeRegex).join('|')})(:\\d+)?` },
    };
  };
  const own: LabelMatch = {
    namespace: r.namespace,
    ...(r.kind === 'service' || r.name === undefined ? {} : { [r.kind]: r.name }),
  };
  let rows: Map<string, { labels: Record<string, string>; stats: TrafficStats }>;
  let fqdns: string[];
  if (q.to !== undefined) {
    const to = await dstOf(q.to);
    fqdns = to.fqdns;
    rows = await trafficByGroup(
      metrics,
      'route_',
      { direction: 'outbound', ...own, dst: to.match },
      ['rt_route', 'dst'],
      q.windowMs,
    );
  } else {
    const dst = await dstOf(r);
    fqdns = dst.fqdns;
    rows =
      r.kind === 'service'
        ? new Map()
        : await trafficByGroup(
            metrics,
            'route_',
            { direction: 'inbound', ...own },
            ['rt_route', 'dst'],
            q.windowMs,
          );
    if (rows.size === 0) {
      rows = await trafficByGroup(
        metrics,
        'route_',
        { direction: 'outbound', dst: dst.match },
        ['rt_route', 'dst'],
        q.windowMs,
      );
    }
  }
  const out: RouteRow[] = [];
  const seen = new Set<string>();
  for (const { labels, stats } of rows.values()) {
    const route = labels.rt_route || DEFAULT_ROUTE;
    seen.add(`${route}|${(labels.dst ?? '').replace(/:\d+$/, '')}`);
    out.push({ route, authority: labels.dst ?? '', stats });
  }
  const profiles = await inventory.profiles();
  for (const p of profiles) {
    if (!fqdns.includes(p.name)) continue;
    for (const route of p.routes) {
      if (!seen.has(`${route}|${p.name}`)) out.push({ route, authority: p.name, stats: null });
    }
  }
  return out.sort((a, b) => a.authority.localeCompare(b.authority) || a.route.localeCompare(b.route));
}
