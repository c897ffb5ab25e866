import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { commonLabels, skeinImage } from './labels.js';
import { ResourceName } from './names.js';
import { prometheusUrl } from './viz.js';
import { restrictedSecurityContext } from './workload.js';

/**
 * The heartbeat CronJob (`skein-heartbeat`): once a day it reads the installation and the
 * Prometheus figures and sends them to `skein.heartbeat.url`. Rendered unless `disableHeartBeat`.
 */
export function renderHeartbeat(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  if (cp.disableHeartBeat) return [];
  const labels = commonLabels(config, 'heartbeat');
  const args = [
    `--controller-namespace=${config.namespace}`,
    `--url=${cp.skein.heartbeat.url}`,
    `--log-level=${cp.controllerLogLevel}`,
    `--log-format=${cp.controllerLogFormat}`,
  ];
  const prometheus = prometheusUrl(config);
  if (prometheus !== '') args.push(`--prometheus-url=${prometheus}`);
  return [
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: ResourceName.heartbeat, namespace: config.namespace, labels },
      spec: {
        schedule: config.heartbeatSchedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Replace',
        successfulJobsHistoryLimit: 0,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 300,
            template: {
              metadata: {
                labels: { ...labels, ...cp.podLabels },
                annotations: { 'linkerd.io/inject': 'disabled', ...cp.podAnnotations },
              },
              spec: {
                serviceAccountName: ResourceName.heartbeat,
                restartPolicy: 'Never',
                nodeSelector: cp.nodeSelector,
                securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
                containers: [
                  {
                    name: 'heartbeat',
                    image: skeinImage(config, 'heartbeat'),
                    imagePullPolicy: config.values.imagePullPolicy,
                    args,
                    securityContext: restrictedSecurityContext(config),
                  },
                ],
              },
            },
          },
        },
      },
    },
  ];
}
