import type { DashboardSpec } from './dashboard-model.js';
import { latencyQuantile, requestRate, successRate } from './promql.js';

const IN = 'direction="inbound"';
const NS = 'namespace=~"$namespace"';

/** "Skein Top Line": the mesh at a glance, then per deployment. */
export function topLineDashboard(): DashboardSpec {
  return {
    uid: 'skein-top-line',
    title: 'Skein Top Line',
    description: 'Golden metrics of every meshed workload, from the proxies (inbound side).',
    variables: [{ name: 'namespace', query: 'label_values(request_total, namespace)' }],
    rows: [
      {
        title: 'Mesh',
        panels: [
          {
            title: 'Global success rate',
            type: 'stat',
            unit: 'percentunit',
            queries: [{ expr: successRate(IN) }],
          },
          {
            title: 'Global request volume',
            type: 'stat',
            unit: 'reqps',
            queries: [{ expr: requestRate(IN) }],
          },
          {
            title: 'Meshed pods',
            type: 'stat',
            unit: 'short',
            queries: [
              { expr: 'count(count by (namespace, pod) (process_start_time_seconds{job="linkerd-proxy"}))' },
            ],
          },
          {
            title: 'Global p95 latency',
            type: 'stat',
            unit: 'ms',
            queries: [{ expr: latencyQuantile(0.95, IN) }],
          },
        ],
      },
      {
        title: 'Deployments',
        panels: [
          {
            title: 'Success rate by deployment',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [
              {
                expr: successRate(`${IN}, ${NS}, deployment!=""`, ['namespace', 'deployment']),
                legend: '{{namespace}}/{{deployment}}',
              },
            ],
          },
          {
            title: 'Request volume by deployment',
            type: 'timeseries',
            unit: 'reqps',
            queries: [
              {
                expr: requestRate(`${IN}, ${NS}, deployment!=""`, ['namespace', 'deployment']),
                legend: '{{namespace}}/{{deployment}}',
              },
            ],
          },
          {
            title: 'p95 latency by deployment',
            type: 'timeseries',
            unit: 'ms',
            width: 24,
            queries: [
              {
                expr: latencyQuantile(0.95, `${IN}, ${NS}, deployment!=""`, ['namespace', 'deployment']),
                legend: '{{namespace}}/{{deployment}}',
              },
            ],
          },
        ],
      },
    ],
  };
}
