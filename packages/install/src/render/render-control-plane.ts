import type { InstallConfig } from '../values/install-config.js';
import { renderConfigObjects, renderNamespace } from './config-objects.js';
import { renderDestination } from './destination.js';
import { renderGrafana } from './grafana.js';
import { renderHeartbeat } from './heartbeat.js';
import { renderIdentity } from './identity.js';
import { injectControlPlane } from './inject-control-plane.js';
import { installOrder } from './install-order.js';
import type { KubeObject } from './kube-types.js';
import { ResourceName } from './names.js';
import { renderPrometheus } from './prometheus.js';
import { renderProxyInjector } from './proxy-injector.js';
import { renderRbac } from './rbac.js';
import { renderViz } from './viz.js';
import { renderWebhookConfigurations } from './webhooks.js';
import { componentDisruptionBudget } from './workload.js';

/**
 * Renders the control plane (`skein install` without `--crds`) in install order: namespace,
 * RBAC, configuration and identity Secrets, Services and Deployments (destination with
 * sp-validator, identity, proxy-injector, and unless disabled controller, tap, web, Prometheus),
 * Grafana dashboards, the heartbeat CronJob, PodDisruptionBudgets (with
 * `enablePodDisruptionBudget`) and the admission webhook configurations. Every Deployment's pods
 * carry the proxy, added by `@skein/inject`.
 */
export function renderControlPlane(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const objects: KubeObject[] = [
    renderNamespace(config),
    ...renderRbac(config),
    ...renderConfigObjects(config),
    ...renderDestination(config),
    ...renderIdentity(config),
    ...renderProxyInjector(config),
    ...(cp.skein.viz.enabled ? renderViz(config) : []),
    ...(cp.skein.prometheus.enabled ? renderPrometheus(config) : []),
    ...renderGrafana(config),
    ...renderHeartbeat(config),
    ...(cp.enablePodDisruptionBudget
      ? [
          componentDisruptionBudget(config, ResourceName.destination, 'destination'),
          componentDisruptionBudget(config, ResourceName.identity, 'identity'),
          componentDisruptionBudget(config, ResourceName.proxyInjector, 'proxy-injector'),
        ]
      : []),
    ...renderWebhookConfigurations(config),
  ];
  return installOrder(injectControlPlane(config, objects));
}
