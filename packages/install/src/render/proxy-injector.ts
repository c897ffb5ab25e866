import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { skeinImage } from './labels.js';
import { Port, ResourceName } from './names.js';
import { tapServiceIdentity } from './viz.js';
import { componentDeployment, componentService, httpProbe } from './workload.js';

/**
 * The proxy injector (:8443 behind Service port 443), reading the installation's values from
 * `linkerd-config` and its serving certificate from `linkerd-proxy-injector-k8s-tls`; with viz
 * enabled it also serves the tap injector, for the identity of the tap Deployment.
 */
export function renderProxyInjector(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const deployment = componentDeployment(config, {
    name: ResourceName.proxyInjector,
    component: 'proxy-injector',
    serviceAccount: ResourceName.proxyInjector,
    containers: [
      {
        name: 'proxy-injector',
        image: skeinImage(config, 'proxy-injector'),
        args: [
          `--addr=:${Port.proxyInjector}`,
          `--admin-addr=:${Port.proxyInjectorAdmin}`,
          `--controller-namespace=${config.namespace}`,
          '--tls-cert=/var/run/linkerd/tls/tls.crt',
          '--tls-key=/var/run/linkerd/tls/tls.key',
          '--values=/var/run/linkerd/config/values',
          `--log-level=${cp.controllerLogLevel}`,
          `--log-format=${cp.controllerLogFormat}`,
          ...(cp.skein.viz.enabled ? [`--tap-service-name=${tapServiceIdentity(config)}`] : []),
        ],
        ports: [
          { name: 'proxy-injector', containerPort: Port.proxyInjector },
          { name: 'admin-http', containerPort: Port.proxyInjectorAdmin },
        ],
        livenessProbe: httpProbe('/ping', Port.proxyInjectorAdmin, 10),
        readinessProbe: { ...httpProbe('/ready', Port.proxyInjectorAdmin), failureThreshold: 7 },
        volumeMounts: [
          { name: 'config', mountPath: '/var/run/linkerd/config', readOnly: true },
          { name: 'tls', mountPath: '/var/run/linkerd/tls', readOnly: true },
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: ResourceName.config } },
      { name: 'tls', secret: { secretName: ResourceName.proxyInjectorSecret } },
    ],
  });
  return [
    componentService(config, ResourceName.proxyInjector, 'proxy-injector', [
      { name: 'proxy-injector', port: Port.webhookService, targetPort: 'proxy-injector' },
    ]),
    deployment,
  ];
}
