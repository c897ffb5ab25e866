import { describe, expect, it } from 'vitest';
import { namespaceGraph, neighbourhoodGraph } from '../src/ui/graph/graph-data.js';
import { type GraphEdgeInput, layoutGraph } from '../src/ui/graph/graph-layout.js';

const edge = (src: string, dst: string, rps = 1, successRate: number | null = null): GraphEdgeInput => ({
  src,
  dst,
  rps,
  successRate,
  secured: true,
});
const node = (id: string, rps: number, successRate: number | null = 1) => ({ id, rps, successRate });

describe('layoutGraph', () => {
  it('puts callers left of what they call, by longest path', () => {
    const g = layoutGraph(
      [node('bot', 0, null), node('web', 20), node('emoji', 20), node('voting', 10, 0.9)],
      [edge('bot', 'web'), edge('web', 'emoji'), edge('web', 'voting'), edge('bot', 'voting')],
    );
    const rank = Object.fromEntries(g.nodes.map((n) => [n.id, n.rank]));
    expect(rank).toEqual({ bot: 0, web: 1, emoji: 2, voting: 2 });
    const x = Object.fromEntries(g.nodes.map((n) => [n.id, n.x]));
    expect(x.bot).toBeLessThan(x.web!);
    expect(x.web).toBeLessThan(x.emoji!);
    for (const n of g.nodes) {
      expect(n.x - n.r).toBeGreaterThanOrEqual(0);
      expect(n.x + n.r).toBeLessThanOrEqual(g.width);
      expect(n.y + n.r).toBeLessThanOrEqual(g.height);
    }
  });

  it('sizes nodes by traffic and colours nodes and edges by success', () => {
    const g = layoutGraph(
      [node('a', 0, null), node('b', 100), node('c', 25, 0.85)],
      [edge('a', 'b', 100, 0.99), edge('a', 'c', 25, 0.85)],
    );
    const byId = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
    expect(byId.b!.r).toBe(28);
    expect(byId.a!.r).toBe(10);
    // Square-root scale: a quarter of the traffic, half the extra radius.
    expect(byId.c!.r).toBeCloseTo(19, 5);
    expect(byId.c!.health).toBe('critical');
    expect(byId.a!.health).toBe('idle');
    const e = Object.fromEntries(g.edges.map((x) => [x.id, x]));
    expect(e['a>b']!.width).toBeCloseTo(6, 5);
    expect(e['a>c']!.width).toBeCloseTo(3.75, 5);
    expect(e['a>b']!.health).toBe('good');
    expect(e['a>b']!.path).toMatch(/^M [\d.]+ [\d.]+ C /);
  });

  it('breaks cycles, draws back edges below and loops above, and stays deterministic', () => {
    const nodes = [node('a', 1), node('b', 1), node('c', 1)];
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('b', 'b')];
    const g = layoutGraph(nodes, edges);
    expect(g.nodes.map((n) => n.rank)).toEqual([0, 1, 2]);
    const back = g.edges.find((e) => e.id === 'c>a')!;
    expect(back.labelY).toBeGreaterThan(Math.max(...g.nodes.map((n) => n.y)));
    const loop = g.edges.find((e) => e.id === 'b>b')!;
    expect(loop.labelY).toBeLessThan(g.nodes[1]!.y);
    expect(loop.labelY).toBeGreaterThan(0);
    expect(layoutGraph([...nodes].reverse(), [...edges].reverse())).toEqual({
      ...g,
      edges: [...g.edges].reverse(),
    });
  });

  it('adds nodes that only edges name, and lays out an empty graph', () => {
    const g = layoutGraph([], [edge('x', 'y')]);
    expect(g.nodes.map((n) => n.id)).toEqual(['x', 'y']);
    expect(layoutGraph([], []).nodes).toEqual([]);
  });

  it('orders rows to avoid crossings (barycentres)', () => {
    // a1 calls z and a2 calls y: by name y would come first, but callees follow their callers' rows.
    const g = layoutGraph(
      [node('a1', 1), node('a2', 1), node('y', 1), node('z', 1)],
      [edge('a1', 'z'), edge('a2', 'y')],
    );
    const y = Object.fromEntries(g.nodes.map((n) => [n.id, n.y]));
    expect(y.z).toBeLessThan(y.y!);
  });
});

describe('graph data from the controller', () => {
  const stat = (name: string, rps: number | null, success: number | null = 1) => ({
    resource: { kind: 'deployment' as const, namespace: 'ns', name },
    meshedPods: 1,
    runningPods: 1,
    measuredFrom: 'inbound' as const,
    stats:
      rps === null
        ? null
        : {
            successRate: success,
            requestRate: rps,
            successPerSecond: rps,
            failurePerSecond: 0,
            latencyMs: { p50: 1, p95: 2, p99: 3 },
          },
    tcp: null,
  });
  const edgeRow = (src: string, dst: string, rps: number, secured: boolean) => ({
    src: { namespace: 'ns', name: src },
    dst: { namespace: 'ns', name: dst },
    clientId: null,
    serverId: null,
    secured,
    noTlsReason: secured ? null : 'no_identity',
    requestRate: rps,
  });

  it('merges edge rows per pair (secured only if all are) and leaves out idle unlinked resources', () => {
    const { nodes, edges } = namespaceGraph(
      [stat('web', 5), stat('api', 2), stat('idle', null), stat('bot', null)],
      [edgeRow('bot', 'web', 3, true), edgeRow('web', 'api', 1, true), edgeRow('web', 'api', 1, false)],
      'ns',
      'web',
    );
    expect(nodes.map((n) => n.id)).toEqual(['web', 'api', 'bot']);
    expect(nodes.find((n) => n.id === 'web')!.focus).toBe(true);
    expect(edges).toEqual([
      { src: 'bot', dst: 'web', rps: 3, secured: true, successRate: null },
      { src: 'web', dst: 'api', rps: 2, secured: false, successRate: null },
    ]);
  });

  it('builds the neighbourhood from to/from stats with per-edge success', () => {
    const { nodes, edges } = neighbourhoodGraph(
      'web',
      stat('web', 5),
      [stat('api', 2), stat('bot', null)],
      [stat('bot', 5)],
      [stat('api', 2, 0.9), stat('quiet', 0)],
      [edgeRow('bot', 'web', 5, true)],
    );
    expect(edges).toEqual([
      { src: 'bot', dst: 'web', rps: 5, successRate: 1, secured: true },
      { src: 'web', dst: 'api', rps: 2, successRate: 0.9, secured: null },
    ]);
    expect(nodes.map((n) => [n.id, n.rps, n.focus])).toEqual([
      ['web', 5, true],
      ['bot', 0, false],
      ['api', 2, false],
    ]);
  });
});
