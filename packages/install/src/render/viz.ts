import { serviceAccountIdentity } from '@skein/inject';
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

/**
 * The mTLS identity of the tap Deployment's pods (service account `linkerd-tap`): the proxy
 * injector writes it into `LINKERD2_PROXY_TAP_SVC_NAME`, so proxies serve tap to it alone.
 */
export function tapServiceIdentity(config: InstallConfig): string {
  return serviceAccountIdentity({
    serviceAccount: ResourceName.tap,
    namespace: config.namespace,
    controlPlaneNamespace: config.namespace,
    trustDomain: config.trustDomain,
  });
}

function env(vars: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(vars).map(([name, value]) => ({ name, value }));
}

/**
 * The operator-facing components: `linkerd-controller` (the public HTTP API, :8085, reading
 * Prometheus), `linkerd-tap` (the tap aggregator, :8088) and `linkerd-web` (the dashboard,
 * :8084), configured through their apps' `SKEIN_<APP>_*` environment variables.
 */
export function renderViz(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const log = (app: string) => ({
    [`SKEIN_${app}_LOG`]: cp.controllerLogLevel,
    [`SKEIN_${app}_LOG_FORMAT`]: cp.controllerLogFormat,
  });
  const prometheus = prometheusUrl(config);
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
            SKEIN_CONTROLLER_ADDR: `:${Port.controllerApi}`,
            SKEIN_CONTROLLER_CONTROLLER_NAMESPACE: config.namespace,
            ...(prometheus === '' ? {} : { SKEIN_CONTROLLER_PROMETHEUS_URL: prometheus }),
            ...log('CONTROLLER'),
          }),
          ports: [{ name: 'http', containerPort: Port.controllerApi }],
          livenessProbe: httpProbe('/api/version', Port.controllerApi, 10),
          readinessProbe: httpProbe('/api/version', Port.controllerApi),
        },
      ],
    }),
    componentService(config, ResourceName.tap, 'tap', [{ name: 'http', port: Port.tapApi }]),
    componentDeployment(config, {
      name: ResourceName.tap,
      component: 'tap',
      serviceAccount: ResourceName.tap,
      containers: [
        {
          name: 'tap',
          image: skeinImage(config, 'tap'),
          env: env({
            SKEIN_TAP_ADDR: `:${Port.tapApi}`,
            // Tap selects this control plane's pods only, as Linkerd's tap API does.
            SKEIN_TAP_CONTROLLER_NAMESPACE: config.namespace,
            ...log('TAP'),
          }),
          ports: [{ name: 'http', containerPort: Port.tapApi }],
          livenessProbe: httpProbe('/ready', Port.tapApi, 10),
          readinessProbe: httpProbe('/ready', Port.tapApi),
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
            SKEIN_WEB_ADDR: `:${Port.web}`,
            SKEIN_WEB_API_URL: serviceUrl(config, ResourceName.controller, Port.controllerApi),
            ...log('WEB'),
          }),
          ports: [{ name: 'http', containerPort: Port.web }],
          livenessProbe: httpProbe('/', Port.web, 10),
          readinessProbe: httpProbe('/', Port.web),
        },
      ],
    }),
  ];
}
