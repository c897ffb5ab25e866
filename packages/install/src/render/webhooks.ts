import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { commonLabels } from './labels.js';
import { ResourceName, WebhookPath } from './names.js';

function caBundle(pem: string): string {
  return Buffer.from(pem).toString('base64');
}

/**
 * The admission webhook configurations, as Linkerd registers them:
 * - `linkerd-proxy-injector-webhook-config` (mutating): CREATE of pods and services, path `/`
 *   of Service `linkerd-proxy-injector`, `failurePolicy` from `webhookFailurePolicy` (default
 *   Ignore), namespaces without `config.linkerd.io/admission-webhooks=disabled` other than
 *   kube-system and cert-manager, objects without `linkerd.io/control-plane-component` or
 *   `linkerd.io/cni-resource`, timeout `proxyInjector.timeoutSeconds` (10 s).
 * - `linkerd-tap-injector-webhook-config` (mutating, with viz): CREATE of pods, path
 *   `/tap-inject` of the same Service and certificate, the same selectors and policy; its name
 *   sorts after the proxy injector's, so the API server calls it on the pod with its proxy.
 * - `linkerd-sp-validator-webhook-config` (validating): CREATE and UPDATE of ServiceProfiles.
 */
export function renderWebhookConfigurations(config: InstallConfig): KubeObject[] {
  const cp = config.controlPlane;
  const injectorCa = cp.proxyInjector.externalSecret
    ? cp.proxyInjector.caBundle
    : config.webhooks.proxyInjector!.caBundle;
  const validatorCa = cp.profileValidator.externalSecret
    ? cp.profileValidator.caBundle
    : config.webhooks.profileValidator!.caBundle;
  const injectorHook = (name: string, path: string, resources: string[]) => ({
    name,
    clientConfig: {
      service: { name: ResourceName.proxyInjector, namespace: config.namespace, path },
      caBundle: caBundle(injectorCa),
    },
    failurePolicy: cp.webhookFailurePolicy,
    admissionReviewVersions: ['v1', 'v1beta1'],
    sideEffects: 'None',
    timeoutSeconds: cp.proxyInjector.timeoutSeconds,
    reinvocationPolicy: 'Never',
    namespaceSelector: cp.proxyInjector.namespaceSelector,
    ...(cp.proxyInjector.objectSelector === undefined
      ? {}
      : { objectSelector: cp.proxyInjector.objectSelector }),
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources, scope: 'Namespaced' }],
  });
  const tapInjector: KubeObject[] = cp.skein.viz.enabled
    ? [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: ResourceName.tapInjectorWebhook, labels: commonLabels(config, 'tap') },
          webhooks: [injectorHook('linkerd-tap-injector.linkerd.io', WebhookPath.tapInjector, ['pods'])],
        },
      ]
    : [];
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: ResourceName.proxyInjectorWebhook, labels: commonLabels(config, 'proxy-injector') },
      webhooks: [
        injectorHook('linkerd-proxy-injector.linkerd.io', WebhookPath.proxyInjector, ['pods', 'services']),
      ],
    },
    ...tapInjector,
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: ResourceName.spValidatorWebhook, labels: commonLabels(config, 'destination') },
      webhooks: [
        {
          name: 'linkerd-sp-validator.linkerd.io',
          clientConfig: {
            service: { name: ResourceName.spValidator, namespace: config.namespace, path: '/' },
            caBundle: caBundle(validatorCa),
          },
          failurePolicy: cp.webhookFailurePolicy,
          admissionReviewVersions: ['v1', 'v1beta1'],
          sideEffects: 'None',
          timeoutSeconds: 10,
          namespaceSelector: cp.profileValidator.namespaceSelector,
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              apiGroups: ['linkerd.io'],
              apiVersions: ['v1alpha1', 'v1alpha2'],
              resources: ['serviceprofiles'],
              scope: 'Namespaced',
            },
          ],
        },
      ],
    },
  ];
}
