import type { DashboardSpec } from './dashboard-model.js';
import { counterRate, latencyQuantile, requestRate, successRate } from './promql.js';

const SEL = 'namespace="$namespace", deployment="$deployment"';
const IN = `direction="inbound", ${SEL}`;
const OUT = `direction="outbound", ${SEL}`;

/** "Skein Deployment": inbound golden metrics, TCP, and outbound traffic per destination. */
export function deploymentDashboard(): DashboardSpec {
  return {
    uid: 'skein-deployment',
    title: 'Skein Deployment',
    description: 'One deployment: what it serves (inbound) and what it calls (outbound).',
    variables: [
      {
        name: 'namespace',
        query: 'label_values(process_start_time_seconds{job="linkerd-proxy"}, namespace)',
      },
      {
        name: 'deployment',
        query:
          'label_values(process_start_time_seconds{job="linkerd-proxy", namespace="$namespace"}, deployment)',
      },
    ],
    rows: [
      {
        title: 'Inbound',
        panels: [
          { title: 'Success rate', type: 'stat', unit: 'percentunit', queries: [{ expr: successRate(IN) }] },
          { title: 'Request rate', type: 'stat', unit: 'reqps', queries: [{ expr: requestRate(IN) }] },
          { title: 'p99 latency', type: 'stat', unit: 'ms', queries: [{ expr: latencyQuantile(0.99, IN) }] },
          {
            title: 'Meshed pods',
            type: 'stat',
            unit: 'short',
            queries: [
              { expr: `count(count by (pod) (process_start_time_seconds{job="linkerd-proxy", ${SEL}}))` },
            ],
          },
          {
            title: 'Latency',
            type: 'timeseries',
            unit: 'ms',
            queries: [
              { expr: latencyQuantile(0.5, IN), legend: 'p50' },
              { expr: latencyQuantile(0.95, IN), legend: 'p95' },
              { expr: latencyQuantile(0.99, IN), legend: 'p99' },
            ],
          },
          {
            title: 'Success rate and volume by status',
            type: 'timeseries',
            unit: 'reqps',
            queries: [
              { expr: counterRate('response_total', IN, ['status_code']), legend: '{{status_code}}' },
            ],
          },
        ],
      },
      {
        title: 'TCP',
        panels: [
          {
            title: 'Open connections',
            type: 'timeseries',
            unit: 'short',
            queries: [{ expr: `sum(tcp_open_connections{${SEL}}) by (direction)`, legend: '{{direction}}' }],
          },
          {
            title: 'Bytes per second',
            type: 'timeseries',
            unit: 'Bps',
            queries: [
              { expr: counterRate('tcp_read_bytes_total', SEL, ['direction']), legend: 'read {{direction}}' },
              {
                expr: counterRate('tcp_write_bytes_total', SEL, ['direction']),
                legend: 'write {{direction}}',
              },
            ],
          },
        ],
      },
      {
        title: 'Outbound',
        panels: [
          {
            title: 'Success rate by destination',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [
              {
                expr: successRate(OUT, ['dst_namespace', 'dst_deployment']),
                legend: '{{dst_namespace}}/{{dst_deployment}}',
              },
            ],
          },
          {
            title: 'Request rate by destination',
            type: 'timeseries',
            unit: 'reqps',
            queries: [
              {
                expr: requestRate(OUT, ['dst_namespace', 'dst_deployment']),
                legend: '{{dst_namespace}}/{{dst_deployment}}',
              },
            ],
          },
          {
            title: 'p95 latency by destination',
            type: 'timeseries',
            unit: 'ms',
            width: 24,
            queries: [
              {
                expr: latencyQuantile(0.95, OUT, ['dst_namespace', 'dst_deployment']),
                legend: '{{dst_namespace}}/{{dst_deployment}}',
              },
            ],
          },
        ],
      },
    ],
  };
}
