import type { KubeObject } from '@skein/inject';
import { customResourceDefinition } from './crd-builder.js';
import { EXTERNAL_WORKLOAD_CRD, SERVICE_PROFILE_CRD } from './linkerd-crds.js';
import { POLICY_CRDS } from './policy-crds.js';

/** Options of {@link renderCrds}. */
export interface CrdOptions {
  /** Control-plane namespace, for the `linkerd.io/control-plane-ns` label. Default: `linkerd`. */
  readonly namespace?: string;
  /** Version label. */
  readonly version?: string;
}

/** The CRDs `skein install --crds` renders: ServiceProfile, the policy resources, ExternalWorkload. */
export const CRD_DEFINITIONS = [SERVICE_PROFILE_CRD, ...POLICY_CRDS, EXTERNAL_WORKLOAD_CRD] as const;

/**
 * Renders Linkerd's CustomResourceDefinitions (`skein install --crds`), with structural schemas
 * the API server validates against.
 */
export function renderCrds(options: CrdOptions = {}): KubeObject[] {
  const labels: Record<string, string> = {
    'linkerd.io/control-plane-ns': options.namespace ?? 'linkerd',
    'app.kubernetes.io/part-of': 'Linkerd',
    'app.kubernetes.io/managed-by': 'skein',
    ...(options.version === undefined ? {} : { 'app.kubernetes.io/version': options.version }),
  };
  return CRD_DEFINITIONS.map((def) => customResourceDefinition(def, labels));
}

/** Names of the rendered CRDs (`serviceprofiles.linkerd.io`, …). */
export function crdNames(): string[] {
  return CRD_DEFINITIONS.map((d) => `${d.plural}.${d.group}`);
}
