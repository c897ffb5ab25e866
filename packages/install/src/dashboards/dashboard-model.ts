/** One PromQL query of a panel. */
export interface PanelQuery {
  /** The PromQL expression (may use `$namespace`, `$deployment`, `$pod`, `$__rate_interval`). */
  readonly expr: string;
  /** Legend (`{{deployment}}`). */
  readonly legend?: string;
}

/** A panel of a Skein dashboard. */
export interface PanelSpec {
  /** Title. */
  readonly title: string;
  /** `stat` for a single figure, `timeseries` for a graph. */
  readonly type: 'stat' | 'timeseries';
  /** Unit (Grafana unit id: `percentunit`, `reqps`, `ms`, `bytes`, `Bps`, `s`, `short`). */
  readonly unit: string;
  /** Queries. */
  readonly queries: readonly PanelQuery[];
  /** Width in grid columns (of 24). Default: 6 for stat, 12 for timeseries. */
  readonly width?: number;
  /** Help text. */
  readonly description?: string;
}

/** A template variable of a dashboard, filled from label values of a series. */
export interface VariableSpec {
  /** Variable name (`namespace`). */
  readonly name: string;
  /** The `label_values(...)` query. */
  readonly query: string;
}

/** A dashboard before it is turned into Grafana's JSON model. */
export interface DashboardSpec {
  /** Stable uid (`skein-top-line`). */
  readonly uid: string;
  /** Title. */
  readonly title: string;
  /** Description. */
  readonly description: string;
  /** Template variables. */
  readonly variables: readonly VariableSpec[];
  /** Rows of panels: each row has a title and its panels, laid out left to right. */
  readonly rows: readonly { title: string; panels: readonly PanelSpec[] }[];
}

/** Grafana's JSON model of a dashboard (the parts Skein writes). */
export type GrafanaDashboard = Record<string, unknown>;

// Grafana's own `${…}` variable syntax, not a JavaScript template.
const DATASOURCE = { type: 'prometheus', uid: '$' + '{datasource}' };

/** Converts a {@link DashboardSpec} into Grafana's dashboard JSON model (schema version 39). */
export function toGrafanaDashboard(spec: DashboardSpec): GrafanaDashboard {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const p of row.panels) {
      const w = p.width ?? (p.type === 'stat' ? 6 : 12);
      const h = p.type === 'stat' ? 4 : 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push({
        id: id++,
        type: p.type,
        title: p.title,
        ...(p.description === undefined ? {} : { description: p.description }),
        datasource: DATASOURCE,
        gridPos: { h, w, x, y },
        fieldConfig: {
          defaults: { unit: p.unit, ...(p.unit === 'percentunit' ? { min: 0, max: 1 } : {}) },
          overrides: [],
        },
        options:
          p.type === 'stat'
            ? {
                reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
                colorMode: 'value',
                graphMode: 'area',
              }
            : {
                legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
                tooltip: { mode: 'multi' },
              },
        targets: p.queries.map((q, i) => ({
          datasource: DATASOURCE,
          refId: String.fromCharCode(65 + i),
          expr: q.expr,
          legendFormat: q.legend ?? '',
          range: true,
        })),
      });
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['skein', 'linkerd'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-15m', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        ...spec.variables.map((v) => ({
          name: v.name,
          label: v.name,
          type: 'query',
          datasource: DATASOURCE,
          query: { query: v.query, refId: `${v.name}-values` },
          definition: v.query,
          refresh: 2,
          sort: 1,
          includeAll: false,
          multi: false,
          current: {},
          hide: 0,
        })),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

/** Every PromQL expression of a dashboard, with the panel title (for tests and linting). */
export function dashboardQueries(dashboard: GrafanaDashboard): { panel: string; expr: string }[] {
  const out: { panel: string; expr: string }[] = [];
  for (const panel of dashboard.panels as { title: string; targets?: { expr: string }[] }[]) {
    for (const t of panel.targets ?? []) out.push({ panel: panel.title, expr: t.expr });
  }
  return out;
}
