import { stringify } from 'yaml';
import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { commonLabels } from './labels.js';
import { Port, ResourceName } from './names.js';
import { prometheusScrapeConfig } from './prometheus-config.js';
import { componentDeployment, componentService, httpProbe } from './workload.js';

/**
 * The bundled Prometheus: its scrape configuration (ConfigMap `linkerd-prometheus-config`), a
 * Deployment with an `emptyDir` for the TSDB (retention `skein.prometheus.retention`), and the
 * Service `linkerd-prometheus` (:9090).
 */
export function renderPrometheus(config: InstallConfig): KubeObject[] {
  const p = config.controlPlane.skein.prometheus;
  const scrape = prometheusScrapeConfig({ namespace: config.namespace, scrapeInterval: p.scrapeInterval });
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: ResourceName.prometheusConfig,
        namespace: config.namespace,
        labels: commonLabels(config, 'prometheus'),
      },
      data: { 'prometheus.yml': stringify(scrape, { lineWidth: 0 }) },
    },
    componentService(config, ResourceName.prometheus, 'prometheus', [
      { name: 'admin-http', port: Port.prometheus },
    ]),
    componentDeployment(config, {
      name: ResourceName.prometheus,
      component: 'prometheus',
      serviceAccount: ResourceName.prometheus,
      replicas: 1,
      containers: [
        {
          name: 'prometheus',
          image: p.image,
          args: [
            '--config.file=/etc/prometheus/prometheus.yml',
            '--storage.tsdb.path=/data',
            `--storage.tsdb.retention.time=${p.retention}`,
            '--log.format=json',
          ],
          ports: [{ name: 'admin-http', containerPort: Port.prometheus }],
          livenessProbe: httpProbe('/-/healthy', Port.prometheus, 30),
          readinessProbe: httpProbe('/-/ready', Port.prometheus, 30),
          volumeMounts: [
            { name: 'config', mountPath: '/etc/prometheus', readOnly: true },
            { name: 'data', mountPath: '/data' },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: ResourceName.prometheusConfig } },
        { name: 'data', emptyDir: {} },
      ],
    }),
  ];
}
