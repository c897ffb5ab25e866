import type { KubeObject } from './kube-types.js';

// Dependencies first: what a later object refers to exists before it; the webhooks come last
// so the API server never calls a webhook whose Service has no pods yet.
const KIND_ORDER = [
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'Secret',
  'ConfigMap',
  'Service',
  'Deployment',
  'CronJob',
  'PodDisruptionBudget',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

function rank(kind: string | undefined): number {
  const i = KIND_ORDER.indexOf(kind ?? '');
  return i === -1 ? KIND_ORDER.length : i;
}

/** Sorts objects into install order (stable within a kind). */
export function installOrder(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => rank(a.object.kind) - rank(b.object.kind) || a.index - b.index)
    .map((e) => e.object);
}

/** Sorts objects into uninstall order: the reverse of {@link installOrder}. */
export function uninstallOrder(objects: readonly KubeObject[]): KubeObject[] {
  return installOrder(objects).reverse();
}
