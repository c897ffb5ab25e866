import type { InstallConfig } from '../values/install-config.js';
import type { ComponentName } from './names.js';

/** Labels of every rendered object of the control plane. */
export function commonLabels(config: InstallConfig, component?: ComponentName): Record<string, string> {
  return {
    'linkerd.io/control-plane-ns': config.namespace,
    'app.kubernetes.io/part-of': 'Linkerd',
    'app.kubernetes.io/managed-by': 'skein',
    'app.kubernetes.io/version': config.version,
    ...(component === undefined
      ? {}
      : { 'linkerd.io/control-plane-component': component, 'app.kubernetes.io/name': component }),
  };
}

/** The selector labels of a component's pods. */
export function selectorLabels(config: InstallConfig, component: ComponentName): Record<string, string> {
  return { 'linkerd.io/control-plane-component': component, 'linkerd.io/control-plane-ns': config.namespace };
}

/** The image of a Skein app: `<registry>/<app>:<version>`. */
export function skeinImage(config: InstallConfig, app: string): string {
  return `${config.controlPlane.skein.registry}/${app}:${config.version}`;
}
