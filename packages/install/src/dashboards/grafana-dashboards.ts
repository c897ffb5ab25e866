import { controlPlaneDashboard } from './control-plane.js';
import { type GrafanaDashboard, toGrafanaDashboard } from './dashboard-model.js';
import { deploymentDashboard } from './deployment.js';
import { podDashboard } from './pod.js';
import { topLineDashboard } from './top-line.js';

/** Options of {@link grafanaDashboards}. */
export interface DashboardOptions {
  /** Control-plane namespace (the control-plane dashboard filters on it). Default: `linkerd`. */
  readonly namespace?: string;
}

/**
 * Skein's four Grafana dashboards as Grafana JSON models, keyed by file name: top line,
 * deployment, pod and control-plane health. They query the proxies' Linkerd metrics
 * (`request_total`, `response_total`, `response_latency_ms_bucket`, `tcp_*`, `process_*`) with
 * the labels the bundled Prometheus adds (`namespace`, `pod`, `deployment`, …).
 */
export function grafanaDashboards(options: DashboardOptions = {}): Record<string, GrafanaDashboard> {
  return {
    'skein-top-line.json': toGrafanaDashboard(topLineDashboard()),
    'skein-deployment.json': toGrafanaDashboard(deploymentDashboard()),
    'skein-pod.json': toGrafanaDashboard(podDashboard()),
    'skein-control-plane.json': toGrafanaDashboard(controlPlaneDashboard(options.namespace ?? 'linkerd')),
  };
}
