import type { DashboardSpec } from './dashboard-model.js';
import { counterRate, latencyQuantile, requestRate, successRate } from './promql.js';

/**
 * "Skein Control Plane Health": the control-plane components' admin endpoints (up, memory, CPU,
 * the identity issuer's remaining lifetime) and the traffic their proxies serve.
 */
export function controlPlaneDashboard(namespace: string): DashboardSpec {
  const CP = 'job="linkerd-controller"';
  const IN = `direction="inbound", namespace="${namespace}"`;
  return {
    uid: 'skein-control-plane',
    title: 'Skein Control Plane Health',
    description: `Health of the control plane in namespace ${namespace}.`,
    variables: [],
    rows: [
      {
        title: 'Components',
        panels: [
          {
            title: 'Components up',
            type: 'stat',
            unit: 'short',
            queries: [{ expr: `sum(up{${CP}})` }],
            description: 'Admin endpoints of the control-plane containers that answered the last scrape.',
          },
          {
            title: 'Identity issuer certificate TTL',
            type: 'stat',
            unit: 's',
            queries: [{ expr: `min(issuer_cert_ttl_seconds{${CP}})` }],
            description: 'Time left before the issuer certificate expires; rotate it well before.',
          },
          {
            title: 'Control-plane proxies',
            type: 'stat',
            unit: 'short',
            queries: [
              { expr: `count(process_start_time_seconds{job="linkerd-proxy", namespace="${namespace}"})` },
            ],
          },
          {
            title: 'Control-plane inbound success rate',
            type: 'stat',
            unit: 'percentunit',
            queries: [{ expr: successRate(IN) }],
          },
          {
            title: 'Up by component',
            type: 'timeseries',
            unit: 'short',
            queries: [{ expr: `sum(up{${CP}}) by (component)`, legend: '{{component}}' }],
          },
          {
            title: 'Memory by component (RSS)',
            type: 'timeseries',
            unit: 'bytes',
            queries: [
              { expr: `sum(process_resident_memory_bytes{${CP}}) by (component)`, legend: '{{component}}' },
            ],
          },
          {
            title: 'CPU by component',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [
              { expr: counterRate('process_cpu_seconds_total', CP, ['component']), legend: '{{component}}' },
            ],
          },
          {
            title: 'Identity issuer TTL over time',
            type: 'timeseries',
            unit: 's',
            queries: [{ expr: `min(issuer_cert_ttl_seconds{${CP}}) by (pod)`, legend: '{{pod}}' }],
          },
        ],
      },
      {
        title: 'Control-plane traffic',
        panels: [
          {
            title: 'Request rate by deployment',
            type: 'timeseries',
            unit: 'reqps',
            queries: [{ expr: requestRate(IN, ['deployment']), legend: '{{deployment}}' }],
          },
          {
            title: 'Success rate by deployment',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [{ expr: successRate(IN, ['deployment']), legend: '{{deployment}}' }],
          },
          {
            title: 'p99 latency by deployment',
            type: 'timeseries',
            unit: 'ms',
            queries: [{ expr: latencyQuantile(0.99, IN, ['deployment']), legend: '{{deployment}}' }],
          },
          {
            title: 'Proxy memory by deployment',
            type: 'timeseries',
            unit: 'bytes',
            queries: [
              {
                expr: `sum(process_resident_memory_bytes{job="linkerd-proxy", namespace="${namespace}"}) by (deployment)`,
                legend: '{{deployment}}',
              },
            ],
          },
        ],
      },
    ],
  };
}
