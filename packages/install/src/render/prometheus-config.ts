/** Options of {@link prometheusScrapeConfig}. */
export interface PrometheusConfigOptions {
  /** Control-plane namespace: only proxies of this control plane are scraped. */
  readonly namespace: string;
  /** Scrape and evaluation interval (`10s`). */
  readonly scrapeInterval: string;
  /** Name of the proxy container. Default: `linkerd-proxy`. */
  readonly proxyContainerName?: string;
}

const meta = (name: string) => `__meta_kubernetes_pod_${name}`;

/**
 * The Prometheus configuration (as an object, to be written as YAML) that scrapes:
 * - `linkerd-proxy`: every proxy of this control plane, found through Kubernetes pod discovery:
 *   the container `linkerd-proxy`, its port `linkerd-admin` (4191, `/metrics`), on pods
 *   labelled `linkerd.io/control-plane-ns=<namespace>`. The pod's `linkerd.io/proxy-<kind>`
 *   labels become `<kind>` labels (`deployment`, `statefulset`, …; `job` becomes `k8s_job` so
 *   it does not clash with Prometheus's own), other `linkerd.io/<name>` labels become `<name>`,
 *   and `namespace` and `pod` are added, so series carry the labels Linkerd's dashboards use.
 * - `linkerd-controller`: the admin ports (`admin-http`, `spval-admin`) of the control plane,
 *   labelled with `component`.
 * - `prometheus`: itself.
 */
export function prometheusScrapeConfig(options: PrometheusConfigOptions): Record<string, unknown> {
  const proxy = options.proxyContainerName ?? 'linkerd-proxy';
  return {
    global: {
      scrape_interval: options.scrapeInterval,
      scrape_timeout: options.scrapeInterval,
      evaluation_interval: options.scrapeInterval,
    },
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      {
        job_name: 'linkerd-controller',
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [options.namespace] } }],
        relabel_configs: [
          { source_labels: [meta('container_port_name')], action: 'keep', regex: 'admin-http|spval-admin' },
          { source_labels: [meta('container_name')], action: 'replace', target_label: 'component' },
          { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
          { source_labels: [meta('name')], action: 'replace', target_label: 'pod' },
        ],
      },
      {
        job_name: 'linkerd-proxy',
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          {
            source_labels: [
              meta('container_name'),
              meta('container_port_name'),
              meta('label_linkerd_io_control_plane_ns'),
            ],
            action: 'keep',
            regex: `^${proxy};linkerd-admin;${options.namespace}$`,
          },
          { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
          { source_labels: [meta('name')], action: 'replace', target_label: 'pod' },
          { source_labels: [meta('label_linkerd_io_proxy_job')], action: 'replace', target_label: 'k8s_job' },
          { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_job' },
          {
            action: 'labelmap',
            regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)',
            replacement: '$1',
          },
          { action: 'labeldrop', regex: '__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)' },
          { action: 'labelmap', regex: '__meta_kubernetes_pod_label_linkerd_io_(.+)', replacement: '$1' },
        ],
      },
    ],
  };
}
