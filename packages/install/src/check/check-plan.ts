import { linkerdConfig, linkerdCrd, linkerdExistence } from './categories/control-plane.js';
import { linkerdDataPlane } from './categories/data-plane.js';
import { linkerdIdentity } from './categories/identity.js';
import { kubernetesApi, kubernetesVersion, preKubernetesSetup } from './categories/kubernetes.js';
import { controlPlaneProxy, controlPlaneVersion } from './categories/versions.js';
import { linkerdWebhooks } from './categories/webhooks.js';
import type { CheckCategory } from './check-model.js';

/** Which checks to run, as the flags of `skein check` choose them. */
export interface CheckSelection {
  /** `--pre`: the cluster is ready for an install (instead of checking one). */
  readonly pre?: boolean;
  /** `--crds`: only the CRDs (after `install --crds`). */
  readonly crds?: boolean;
  /** `--proxy`: also the data plane. */
  readonly proxy?: boolean;
}

/** Every category, for listing: `kubernetes-api` … `linkerd-data-plane`. */
export const CHECK_CATEGORIES: readonly CheckCategory[] = [
  kubernetesApi,
  kubernetesVersion,
  preKubernetesSetup,
  linkerdCrd,
  linkerdConfig,
  linkerdExistence,
  linkerdIdentity,
  linkerdWebhooks,
  controlPlaneVersion,
  controlPlaneProxy,
  linkerdDataPlane,
];

/** The categories `skein check` runs for a selection, in order. */
export function checkCategories(selection: CheckSelection = {}): CheckCategory[] {
  const always = [kubernetesApi, kubernetesVersion];
  if (selection.pre === true) return [...always, preKubernetesSetup];
  if (selection.crds === true) return [...always, linkerdCrd];
  return [
    ...always,
    linkerdCrd,
    linkerdConfig,
    linkerdExistence,
    linkerdIdentity,
    linkerdWebhooks,
    controlPlaneVersion,
    controlPlaneProxy,
    ...(selection.proxy === true ? [linkerdDataPlane] : []),
  ];
}
