import { formatRps, formatSuccess, type Health } from '../format/golden-format.js';
import { formatLocation, type ResourceKind } from '../routing/routes.js';
import { useDashboard } from '../state/dashboard-context.js';
import { type GraphEdgeInput, type GraphNodeInput, layoutGraph } from './graph-layout.js';

const HEALTHS: readonly Health[] = ['good', 'warning', 'critical', 'idle'];

/** Props of {@link DependencyGraph}. */
export interface DependencyGraphProps {
  readonly nodes: readonly GraphNodeInput[];
  readonly edges: readonly GraphEdgeInput[];
  /** Namespace and kind of the nodes, for their links. */
  readonly namespace: string;
  readonly kind: ResourceKind;
  /** What the graph shows, for its caption and screen readers. */
  readonly title: string;
}

/**
 * Who calls whom, live: nodes sized by requests per second and coloured by success rate, edges
 * as wide as their traffic (solid: mTLS, dashed: not), each node a link to its page.
 */
export function DependencyGraph({ nodes, edges, namespace, kind, title }: DependencyGraphProps) {
  const { windowParam } = useDashboard();
  const g = layoutGraph(nodes, edges);
  const summary = `${title}: ${g.nodes.length} resources, ${g.edges.length} edges. ${g.edges
    .map((e) => `${e.src} calls ${e.dst} at ${formatRps(e.rps)}`)
    .join('; ')}`;
  return (
    <figure class="graph">
      <div class="graph-scroll">
        <svg
          viewBox={`0 0 ${g.width} ${g.height}`}
          style={{ maxWidth: `${g.width}px`, minWidth: `${Math.min(g.width, 520)}px` }}
          data-graph={title}
        >
          <title>{summary}</title>
          <defs>
            {HEALTHS.map((h) => (
              <marker
                key={h}
                id={`arrow-${h}`}
                viewBox="0 0 10 10"
                refX="8"
                refY="5"
                markerUnits="userSpaceOnUse"
                markerWidth="11"
                markerHeight="11"
                orient="auto-start-reverse"
                class={`arrow arrow-${h}`}
              >
                <path d="M 0 0 L 10 5 L 0 10 z" />
              </marker>
            ))}
          </defs>
          {g.edges.map((e) => (
            <g
              key={e.id}
              class={`edge edge-${e.health}${e.secured === false ? ' edge-plain' : ''}`}
              data-edge={e.id}
              data-secured={e.secured === null ? 'unknown' : String(e.secured)}
            >
              <title>
                {`${e.src} → ${e.dst}: ${formatRps(e.rps)}`}
                {e.successRate === null ? '' : `, ${formatSuccess(e.successRate)} success`}
                {e.secured === null ? '' : e.secured ? ', mTLS' : ', not mTLS'}
              </title>
              <path d={e.path} stroke-width={e.width} marker-end={`url(#arrow-${e.health})`} />
              <text x={e.labelX} y={e.labelY - 6} class="edge-label">
                {formatRps(e.rps)}
              </text>
            </g>
          ))}
          {g.nodes.map((n) => (
            <a
              key={n.id}
              href={formatLocation({ page: 'resource', namespace, kind, name: n.id }, windowParam)}
              class={`node node-${n.health}${n.focus ? ' node-focus' : ''}`}
              data-node={n.id}
              data-health={n.health}
              aria-label={`${kind} ${n.id}: ${formatSuccess(n.successRate)} success, ${formatRps(n.rps)}`}
            >
              <circle cx={n.x} cy={n.y} r={n.r} />
              <text x={n.x} y={n.y + n.r + 16} class="node-label">
                {n.id}
              </text>
              <text x={n.x} y={n.y + n.r + 31} class="node-sub">
                {n.successRate === null
                  ? 'no traffic'
                  : `${formatSuccess(n.successRate)} · ${formatRps(n.rps)}`}
              </text>
            </a>
          ))}
        </svg>
      </div>
      <figcaption>
        <span>{title}</span>
        <span class="legend">
          <span class="legend-item">
            <span class="dot dot-good" /> ≥ 95%
          </span>
          <span class="legend-item">
            <span class="dot dot-warning" /> ≥ 90%
          </span>
          <span class="legend-item">
            <span class="dot dot-critical" /> &lt; 90%
          </span>
          <span class="legend-item">
            <span class="dot dot-idle" /> no traffic
          </span>
          <span class="legend-item">size: requests/s · dashed: not mTLS</span>
        </span>
      </figcaption>
    </figure>
  );
}
