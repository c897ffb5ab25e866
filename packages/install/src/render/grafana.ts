import { stringify } from 'yaml';
import { grafanaDashboards } from '../dashboards/grafana-dashboards.js';
import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { commonLabels } from './labels.js';
import { ResourceName } from './names.js';
import { prometheusUrl } from './viz.js';

/** Where the provisioning file tells Grafana to read the dashboards from. */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards/skein';

/**
 * The Grafana dashboards ConfigMap (`linkerd-grafana-dashboards`, labelled
 * `grafana_dashboard: "1"` for the Grafana chart's dashboard sidecar; mount it at
 * {@link GRAFANA_DASHBOARDS_PATH} otherwise) and a provisioning ConfigMap
 * (`linkerd-grafana-provisioning`: the Prometheus data source and the dashboards provider).
 */
export function renderGrafana(config: InstallConfig): KubeObject[] {
  if (!config.controlPlane.skein.grafana.dashboards) return [];
  const labels = commonLabels(config);
  const dashboards = grafanaDashboards({ namespace: config.namespace });
  const data: Record<string, string> = {};
  for (const [file, dashboard] of Object.entries(dashboards))
    data[file] = `${JSON.stringify(dashboard, null, 2)}\n`;
  const prometheus = prometheusUrl(config);
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: ResourceName.grafanaDashboards,
        namespace: config.namespace,
        labels: { ...labels, grafana_dashboard: '1' },
        annotations: { 'grafana-folder': 'Skein' },
      },
      data,
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'linkerd-grafana-provisioning', namespace: config.namespace, labels },
      data: {
        'datasources.yaml': stringify({
          apiVersion: 1,
          datasources:
            prometheus === ''
              ? []
              : [
                  {
                    name: 'prometheus',
                    type: 'prometheus',
                    access: 'proxy',
                    url: prometheus,
                    isDefault: true,
                  },
                ],
        }),
        'dashboards.yaml': stringify({
          apiVersion: 1,
          providers: [
            {
              name: 'skein',
              folder: 'Skein',
              type: 'file',
              disableDeletion: false,
              options: { path: GRAFANA_DASHBOARDS_PATH },
            },
          ],
        }),
      },
    },
  ];
}
