import { type Health, healthOf } from '../format/golden-format.js';

/** A resource in the dependency graph. */
export interface GraphNodeInput {
  /** Unique id (the resource name within the namespace). */
  readonly id: string;
  /** Requests per second the resource serves (sizes the node). */
  readonly rps: number;
  /** Its success rate (colours the node); null without traffic. */
  readonly successRate: number | null;
  /** Drawn emphasised (the resource a detail page is about). */
  readonly focus?: boolean;
}

/** Traffic from one resource to another. */
export interface GraphEdgeInput {
  readonly src: string;
  readonly dst: string;
  /** Requests per second on this edge (sets its width). */
  readonly rps: number;
  /** Success rate of this edge's requests, when known. */
  readonly successRate: number | null;
  /** Whether the traffic is mTLS; null when unknown. */
  readonly secured: boolean | null;
}

/** A positioned node. */
export interface LaidOutNode extends GraphNodeInput {
  readonly x: number;
  readonly y: number;
  readonly r: number;
  readonly health: Health;
  /** Column (0 = callers that nobody calls). */
  readonly rank: number;
}

/** A routed edge. */
export interface LaidOutEdge extends GraphEdgeInput {
  /** `src>dst`. */
  readonly id: string;
  /** SVG path data. */
  readonly path: string;
  /** Stroke width. */
  readonly width: number;
  readonly health: Health;
  /** Where a label sits (mid-edge). */
  readonly labelX: number;
  readonly labelY: number;
}

/** A laid-out graph, in SVG user units. */
export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
}

/** Sizes of the layout. */
export interface GraphLayoutOptions {
  readonly columnGap?: number;
  readonly rowGap?: number;
  readonly minRadius?: number;
  readonly maxRadius?: number;
}

/** Edges that close a cycle, found by depth-first search from the roots (in id order). */
function backEdges(
  ids: readonly string[],
  out: ReadonlyMap<string, string[]>,
  roots: readonly string[],
): Set<string> {
  const state = new Map<string, 1 | 2>();
  const back = new Set<string>();
  const visit = (start: string) => {
    // Iterative, so a long chain cannot overflow the stack.
    const stack: [string, number][] = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = (out.get(top[0]) ?? [])[top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        stack.pop();
      } else if (state.get(next) === 1) back.add(`${top[0]}>${next}`);
      else if (state.get(next) === undefined) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  };
  for (const id of [...roots, ...ids]) if (!state.has(id)) visit(id);
  return back;
}

/**
 * Lays out a dependency graph left to right: callers in earlier columns than what they call
 * (longest-path layering, cycles broken), rows ordered to cross fewer edges (barycentres), nodes
 * sized by the square root of their traffic and coloured by success rate, edges as curves whose
 * width follows their traffic. Deterministic for the same input.
 */
export function layoutGraph(
  nodeInputs: readonly GraphNodeInput[],
  edgeInputs: readonly GraphEdgeInput[],
  options: GraphLayoutOptions = {},
): GraphLayout {
  const columnGap = options.columnGap ?? 190;
  const rowGap = options.rowGap ?? 96;
  const minR = options.minRadius ?? 10;
  const maxR = options.maxRadius ?? 28;
  const byId = new Map<string, GraphNodeInput>();
  for (const n of nodeInputs) byId.set(n.id, n);
  for (const e of edgeInputs) {
    for (const id of [e.src, e.dst]) if (!byId.has(id)) byId.set(id, { id, rps: 0, successRate: null });
  }
  const ids = [...byId.keys()].sort();
  const out = new Map<string, string[]>();
  const hasIn = new Set<string>();
  for (const e of edgeInputs) {
    if (e.src === e.dst) continue;
    out.set(e.src, [...(out.get(e.src) ?? []), e.dst].sort());
    hasIn.add(e.dst);
  }
  const back = backEdges(
    ids,
    out,
    ids.filter((id) => !hasIn.has(id)),
  );
  const forward = edgeInputs.filter((e) => e.src !== e.dst && !back.has(`${e.src}>${e.dst}`));

  // Longest path from the roots: relax forward edges until nothing changes (a DAG settles in
  // at most |V| rounds).
  const rank = new Map<string, number>(ids.map((id) => [id, 0]));
  for (let round = 0, changed = true; changed && round < ids.length; round++) {
    changed = false;
    for (const e of forward) {
      const r = rank.get(e.src)! + 1;
      if (r > rank.get(e.dst)!) {
        rank.set(e.dst, r);
        changed = true;
      }
    }
  }
  const maxRank = Math.max(0, ...rank.values());
  const columns: string[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (const id of ids) columns[rank.get(id)!]!.push(id);

  const position = new Map<string, number>();
  const index = () => {
    for (const col of columns) for (let i = 0; i < col.length; i++) position.set(col[i]!, i);
  };
  index();
  const preds = (id: string) => forward.filter((e) => e.dst === id).map((e) => e.src);
  const succs = (id: string) => forward.filter((e) => e.src === id).map((e) => e.dst);
  const reorder = (col: string[], neighbours: (id: string) => string[]) => {
    const weight = new Map(
      col.map((id) => {
        const ns = neighbours(id);
        const avg =
          ns.length === 0 ? position.get(id)! : ns.reduce((s, n) => s + position.get(n)!, 0) / ns.length;
        return [id, avg] as const;
      }),
    );
    col.sort((a, b) => weight.get(a)! - weight.get(b)! || a.localeCompare(b));
  };
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let r = 1; r <= maxRank; r++) {
      reorder(columns[r]!, preds);
      index();
    }
    for (let r = maxRank - 1; r >= 0; r--) {
      reorder(columns[r]!, succs);
      index();
    }
  }

  const maxRows = Math.max(1, ...columns.map((c) => c.length));
  const pad = maxR + 48;
  // Loops are drawn above their node: the top row needs room for them.
  const padTop = pad + (edgeInputs.some((e) => e.src === e.dst) ? maxR * 3 : 0);
  const width = pad * 2 + maxRank * columnGap;
  const height = padTop + pad + (maxRows - 1) * rowGap;
  const maxRps = Math.max(0, ...[...byId.values()].map((n) => n.rps));
  const nodes = new Map<string, LaidOutNode>();
  columns.forEach((col, r) => {
    const top = padTop + ((maxRows - col.length) * rowGap) / 2;
    col.forEach((id, i) => {
      const n = byId.get(id)!;
      nodes.set(id, {
        ...n,
        x: pad + r * columnGap,
        y: top + i * rowGap,
        r: maxRps > 0 ? minR + (maxR - minR) * Math.sqrt(Math.max(0, n.rps) / maxRps) : minR,
        health: healthOf(n.successRate),
        rank: r,
      });
    });
  });

  const maxEdgeRps = Math.max(0, ...edgeInputs.map((e) => e.rps));
  const edges: LaidOutEdge[] = [];
  let bottom = height;
  for (const e of edgeInputs) {
    const a = nodes.get(e.src)!;
    const b = nodes.get(e.dst)!;
    let path: string;
    let labelX: number;
    let labelY: number;
    if (e.src === e.dst) {
      // A loop above the node.
      path = `M ${a.x - a.r / 2} ${a.y - a.r} C ${a.x - a.r * 2} ${a.y - a.r * 4}, ${a.x + a.r * 2} ${a.y - a.r * 4}, ${a.x + a.r / 2} ${a.y - a.r - 4}`;
      labelX = a.x;
      labelY = a.y - a.r * 3.2;
    } else if (b.rank > a.rank) {
      const x1 = a.x + a.r;
      const x2 = b.x - b.r - 6;
      const mx = (x1 + x2) / 2;
      path = `M ${x1} ${a.y} C ${mx} ${a.y}, ${mx} ${b.y}, ${x2} ${b.y}`;
      labelX = mx;
      labelY = (a.y + b.y) / 2;
    } else {
      // Back or same-column edges bend below both nodes.
      const low = Math.max(a.y + a.r, b.y + b.r) + rowGap * 0.6;
      path = `M ${a.x} ${a.y + a.r} C ${a.x} ${low}, ${b.x} ${low}, ${b.x} ${b.y + b.r + 6}`;
      labelX = (a.x + b.x) / 2;
      labelY = low - rowGap * 0.15;
      bottom = Math.max(bottom, low + 24);
    }
    edges.push({
      ...e,
      id: `${e.src}>${e.dst}`,
      path,
      width: maxEdgeRps > 0 ? 1.5 + 4.5 * Math.sqrt(Math.max(0, e.rps) / maxEdgeRps) : 1.5,
      health: healthOf(e.successRate),
      labelX,
      labelY,
    });
  }
  return { width, height: bottom, nodes: ids.map((id) => nodes.get(id)!), edges };
}
