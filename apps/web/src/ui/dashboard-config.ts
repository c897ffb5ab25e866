/**
 * What the dashboard server tells the page at `config.json` (shared by the server and the page;
 * types only).
 */
export interface DashboardConfig {
  /** `skein-web`'s version. */
  readonly version: string;
  /** The controller the server forwards `/api/*` to, and where that address came from. */
  readonly controller: { readonly url: string; readonly origin: string };
  /** Grafana's base URL for links to the Skein dashboards, when configured. */
  readonly grafanaUrl: string | null;
  /** How often pages poll the controller, ms. */
  readonly refreshIntervalMs: number;
}
