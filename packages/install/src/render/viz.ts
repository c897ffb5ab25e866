import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { skeinImage } from './labels.js';
import { Port, ResourceName } from './names.js';
import { componentDeployment, componentService, httpProbe } from './workload.js';

/** In-cluster URL of a Service port of the control plane. */
export function serviceUrl(config: InstallConfig, service: string, port: number): string {
  return `http://${service}.${config.namespace}.svc.${config.values.clusterDomain}:${port}`;
}

/** The Prometheus URL components and the heartbeat query: `prometheusUrl`, else the bundled one. */
export function prometheusUrl(config: InstallConfig): string {
  const cp = config.controlPlane;
  if (cp.prometheusUrl !== '') return cp.prometheusUrl;
  return cp.skein.prometheus.enabled ? serviceUrl(config, ResourceName.prometheus, Port.prometheus) : '';
}

function env(vars: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(vars).map(([name, value]) => ({ name, value }));
}

/**
 * The operator-facing components: `linkerd-controller` (the public HTTP API over Prometheus,
 * :8085), `linkerd-tap` (the tap aggregator, :8088) and `linkerd-web` (the dashboard, :8084).
 * They are configured through `SKEIN_<APP>_*` environment variables.
 */
export function renderViz(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const common = {
    LINKERD_NAMESPACE: config.namespace,
    SKEIN_CLUSTER_DOMAIN: config.values.clusterDomain,
    SKEIN_LOG: cp.controllerLogLevel,
    SKEIN_LOG_FORMAT: cp.controllerLogFormat,
  };
  const controllerUrl = serviceUrl(config, ResourceName.controller, Port.controllerApi);
  return [
    componentService(config, ResourceName.controller, 'controller', [
      { name: 'http', port: Port.controllerApi },
    ]),
    componentDeployment(config, {
      name: ResourceName.controller,
      component: 'controller',
      serviceAccount: ResourceName.controller,
      containers: [
        {
          name: 'controller',
          image: skeinImage(config, 'controller'),
          env: env({
            ...common,
            SKEIN_CONTROLLER_ADDR: `:${Port.controllerApi}`,
            SKEIN_CONTROLLER_ADMIN_ADDR: `:${Port.controllerAdmin}`,
            SKEIN_CONTROLLER_PROMETHEUS_URL: prometheusUrl(config),
            SKEIN_CONTROLLER_TAP_ADDR: `${ResourceName.tap}.${config.namespace}.svc.${config.values.clusterDomain}:${Port.tapApi}`,
          }),
          ports: [
            { name: 'http', containerPort: Port.controllerApi },
            { name: 'admin-http', containerPort: Port.controllerAdmin },
          ],
          livenessProbe: httpProbe('/ping', Port.controllerAdmin, 10),
          readinessProbe: httpProbe('/ready', Port.controllerAdmin),
        },
      ],
    }),
    componentService(config, ResourceName.tap, 'tap', [{ name: 'grpc', port: Port.tapApi }]),
    componentDeployment(config, {
      name: ResourceName.tap,
      component: 'tap',
      serviceAccount: ResourceName.tap,
      containers: [
        {
          name: 'tap',
          image: skeinImage(config, 'tap'),
          env: env({
            ...common,
            SKEIN_TAP_ADDR: `:${Port.tapApi}`,
            SKEIN_TAP_ADMIN_ADDR: `:${Port.tapAdmin}`,
          }),
          ports: [
            { name: 'grpc', containerPort: Port.tapApi },
            { name: 'admin-http', containerPort: Port.tapAdmin },
          ],
          livenessProbe: httpProbe('/ping', Port.tapAdmin, 10),
          readinessProbe: httpProbe('/ready', Port.tapAdmin),
        },
      ],
    }),
    componentService(config, ResourceName.web, 'web', [{ name: 'http', port: Port.web }]),
    componentDeployment(config, {
      name: ResourceName.web,
      component: 'web',
      serviceAccount: ResourceName.web,
      containers: [
        {
          name: 'web',
          image: skeinImage(config, 'web'),
          env: env({
            ...common,
            SKEIN_WEB_ADDR: `:${Port.web}`,
            SKEIN_WEB_ADMIN_ADDR: `:${Port.webAdmin}`,
            SKEIN_WEB_API_URL: controllerUrl,
          }),
          ports: [
            { name: 'http', containerPort: Port.web },
            { name: 'admin-http', containerPort: Port.webAdmin },
          ],
          livenessProbe: httpProbe('/ping', Port.webAdmin, 10),
          readinessProbe: httpProbe('/ready', Port.webAdmin),
        },
      ],
    }),
  ];
}
