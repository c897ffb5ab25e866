import { stringify } from 'yaml';
import type { InstallConfig } from '../values/install-config.js';
import { publicValues } from './config-values.js';
import type { KubeObject } from './kube-types.js';
import { commonLabels } from './labels.js';
import { type ComponentName, ResourceName } from './names.js';

/** The control-plane Namespace: never injected, skipped by the admission webhooks. */
export function renderNamespace(config: InstallConfig): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: config.namespace,
      annotations: { 'linkerd.io/inject': 'disabled' },
      labels: {
        'linkerd.io/is-control-plane': 'true',
        'config.linkerd.io/admission-webhooks': 'disabled',
        'linkerd.io/control-plane-ns': config.namespace,
        'pod-security.kubernetes.io/enforce': 'privileged',
      },
    },
  };
}

function tlsSecret(
  config: InstallConfig,
  name: string,
  component: ComponentName,
  crt: string,
  key: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace: config.namespace, labels: commonLabels(config, component) },
    data: { 'tls.crt': Buffer.from(crt).toString('base64'), 'tls.key': Buffer.from(key).toString('base64') },
  };
}

/**
 * `linkerd-config` (the values, minus private keys), `linkerd-config-overrides` (the values the
 * user gave, which `skein upgrade` starts from), `linkerd-identity-trust-roots` (unless
 * `identity.externalCA`), the issuer Secret `linkerd-identity-issuer` (unless the issuer is
 * external) and the webhooks' serving Secrets (unless `externalSecret`).
 */
export function renderConfigObjects(config: InstallConfig): KubeObject[] {
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ResourceName.config, namespace: config.namespace, labels: commonLabels(config) },
      data: { values: stringify(publicValues(config), { lineWidth: 0 }) },
    },
  ];
  objects.push({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: ResourceName.configOverrides,
      namespace: config.namespace,
      labels: commonLabels(config),
    },
    data: {
      [ResourceName.configOverrides]: Buffer.from(stringify(config.rawValues, { lineWidth: 0 })).toString(
        'base64',
      ),
    },
  });
  if (!config.values.identity.externalCA) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: ResourceName.trustRoots,
        namespace: config.namespace,
        labels: commonLabels(config, 'identity'),
      },
      data: { 'ca-bundle.crt': config.identity.trustAnchorsPem },
    });
  }
  const issuer = config.identity.issuer;
  if (issuer !== undefined) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: ResourceName.issuerSecret,
        namespace: config.namespace,
        labels: commonLabels(config, 'identity'),
      },
      data: {
        'crt.pem': Buffer.from(issuer.certificatePem).toString('base64'),
        'key.pem': Buffer.from(issuer.keyPem).toString('base64'),
      },
    });
  }
  const { proxyInjector, profileValidator } = config.webhooks;
  if (proxyInjector !== undefined) {
    objects.push(
      tlsSecret(
        config,
        ResourceName.proxyInjectorSecret,
        'proxy-injector',
        proxyInjector.crtPEM,
        proxyInjector.keyPEM,
      ),
    );
  }
  if (profileValidator !== undefined) {
    objects.push(
      tlsSecret(
        config,
        ResourceName.spValidatorSecret,
        'destination',
        profileValidator.crtPEM,
        profileValidator.keyPEM,
      ),
    );
  }
  return objects;
}
