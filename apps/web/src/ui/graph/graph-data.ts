import type { EdgeRow, StatRow } from '../api/api-types.js';
import type { GraphEdgeInput, GraphNodeInput } from './graph-layout.js';

/**
 * The dependency graph of a namespace: every resource that has traffic or an edge, sized and
 * coloured by its own stat row, and one edge per caller → callee (TLS states merged: secured
 * only when all of the edge's traffic is).
 */
export function namespaceGraph(
  rows: readonly StatRow[],
  edgeRows: readonly EdgeRow[],
  namespace: string,
  focus?: string,
): { nodes: GraphNodeInput[]; edges: GraphEdgeInput[] } {
  const merged = new Map<string, { src: string; dst: string; rps: number; secured: boolean }>();
  for (const e of edgeRows) {
    if (e.src.namespace !== namespace && e.dst.namespace !== namespace) continue;
    const key = `${e.src.name}>${e.dst.name}`;
    const m = merged.get(key);
    if (m === undefined)
      merged.set(key, { src: e.src.name, dst: e.dst.name, rps: e.requestRate, secured: e.secured });
    else {
      m.rps += e.requestRate;
      m.secured &&= e.secured;
    }
  }
  const linked = new Set([...merged.values()].flatMap((e) => [e.src, e.dst]));
  const nodes = rows
    .filter((r) => r.resource.namespace === namespace && (r.stats !== null || linked.has(r.resource.name)))
    .map((r) => ({
      id: r.resource.name,
      rps: r.stats?.requestRate ?? 0,
      successRate: r.stats?.successRate ?? null,
      focus: r.resource.name === focus,
    }));
  const edges = [...merged.values()].map((e) => ({ ...e, successRate: null }));
  return { nodes, edges };
}

/**
 * The neighbourhood of one resource: its callers (from a `toName` stat), its callees (from a
 * `fromName` stat) with the success rate of the traffic on each edge, and TLS from the edges.
 */
export function neighbourhoodGraph(
  name: string,
  self: StatRow | undefined,
  peers: readonly StatRow[],
  inbound: readonly StatRow[],
  outbound: readonly StatRow[],
  edgeRows: readonly EdgeRow[],
): { nodes: GraphNodeInput[]; edges: GraphEdgeInput[] } {
  const secured = (src: string, dst: string): boolean | null => {
    const rows = edgeRows.filter((e) => e.src.name === src && e.dst.name === dst);
    return rows.length === 0 ? null : rows.every((e) => e.secured);
  };
  const edges: GraphEdgeInput[] = [];
  for (const r of inbound) {
    if (r.stats === null || r.stats.requestRate <= 0) continue;
    edges.push({
      src: r.resource.name,
      dst: name,
      rps: r.stats.requestRate,
      successRate: r.stats.successRate,
      secured: secured(r.resource.name, name),
    });
  }
  for (const r of outbound) {
    if (r.stats === null || r.stats.requestRate <= 0) continue;
    edges.push({
      src: name,
      dst: r.resource.name,
      rps: r.stats.requestRate,
      successRate: r.stats.successRate,
      secured: secured(name, r.resource.name),
    });
  }
  const ids = new Set([name, ...edges.flatMap((e) => [e.src, e.dst])]);
  const nodes = [...ids].map((id) => {
    const row = id === name ? self : peers.find((p) => p.resource.name === id);
    return {
      id,
      rps: row?.stats?.requestRate ?? 0,
      successRate: row?.stats?.successRate ?? null,
      focus: id === name,
    };
  });
  return { nodes, edges };
}
