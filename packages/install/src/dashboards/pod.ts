import type { DashboardSpec } from './dashboard-model.js';
import { counterRate, latencyQuantile, requestRate, successRate } from './promql.js';

const SEL = 'namespace="$namespace", pod="$pod"';
const IN = `direction="inbound", ${SEL}`;
const OUT = `direction="outbound", ${SEL}`;
const PROXY = `job="linkerd-proxy", ${SEL}`;

/** "Skein Pod": one pod's traffic and its proxy's resources. */
export function podDashboard(): DashboardSpec {
  return {
    uid: 'skein-pod',
    title: 'Skein Pod',
    description: "One pod's inbound and outbound traffic, and its proxy's CPU, memory and file descriptors.",
    variables: [
      {
        name: 'namespace',
        query: 'label_values(process_start_time_seconds{job="linkerd-proxy"}, namespace)',
      },
      {
        name: 'pod',
        query: 'label_values(process_start_time_seconds{job="linkerd-proxy", namespace="$namespace"}, pod)',
      },
    ],
    rows: [
      {
        title: 'Traffic',
        panels: [
          {
            title: 'Inbound success rate',
            type: 'stat',
            unit: 'percentunit',
            queries: [{ expr: successRate(IN) }],
          },
          {
            title: 'Inbound request rate',
            type: 'stat',
            unit: 'reqps',
            queries: [{ expr: requestRate(IN) }],
          },
          {
            title: 'Outbound request rate',
            type: 'stat',
            unit: 'reqps',
            queries: [{ expr: requestRate(OUT) }],
          },
          {
            title: 'Inbound p95 latency',
            type: 'stat',
            unit: 'ms',
            queries: [{ expr: latencyQuantile(0.95, IN) }],
          },
          {
            title: 'Request rate by direction',
            type: 'timeseries',
            unit: 'reqps',
            queries: [{ expr: counterRate('request_total', SEL, ['direction']), legend: '{{direction}}' }],
          },
          {
            title: 'Latency by direction (p95)',
            type: 'timeseries',
            unit: 'ms',
            queries: [{ expr: latencyQuantile(0.95, SEL, ['direction']), legend: '{{direction}}' }],
          },
          {
            title: 'Open TCP connections',
            type: 'timeseries',
            unit: 'short',
            queries: [{ expr: `sum(tcp_open_connections{${SEL}}) by (direction)`, legend: '{{direction}}' }],
          },
          {
            title: 'TCP connections opened per second',
            type: 'timeseries',
            unit: 'short',
            queries: [{ expr: counterRate('tcp_open_total', SEL, ['direction']), legend: '{{direction}}' }],
          },
        ],
      },
      {
        title: 'Proxy resources',
        panels: [
          {
            title: 'Proxy memory (RSS)',
            type: 'timeseries',
            unit: 'bytes',
            width: 8,
            queries: [{ expr: `sum(process_resident_memory_bytes{${PROXY}})`, legend: 'rss' }],
          },
          {
            title: 'Proxy CPU',
            type: 'timeseries',
            unit: 'percentunit',
            width: 8,
            queries: [{ expr: counterRate('process_cpu_seconds_total', PROXY), legend: 'cpu' }],
          },
          {
            title: 'Proxy open file descriptors',
            type: 'timeseries',
            unit: 'short',
            width: 8,
            queries: [{ expr: `sum(process_open_fds{${PROXY}})`, legend: 'fds' }],
          },
        ],
      },
    ],
  };
}
