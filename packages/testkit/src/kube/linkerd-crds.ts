import type { KubeObject } from './kube-object.js';

interface CrdRow {
  group: string;
  plural: string;
  kind: string;
  /** Served versions; the one marked `*` is the storage version. */
  versions: string[];
  shortNames?: string[];
  status?: boolean;
}

// Linkerd's own CRDs (linkerd-crds chart) with the versions a current Linkerd serves.
const rows: CrdRow[] = [
  {
    group: 'linkerd.io',
    plural: 'serviceprofiles',
    kind: 'ServiceProfile',
    versions: ['v1alpha1', 'v1alpha2*'],
    shortNames: ['sp'],
  },
  {
    group: 'policy.linkerd.io',
    plural: 'servers',
    kind: 'Server',
    versions: ['v1beta1', 'v1beta2', 'v1beta3*'],
    shortNames: ['srv'],
  },
  {
    group: 'policy.linkerd.io',
    plural: 'serverauthorizations',
    kind: 'ServerAuthorization',
    versions: ['v1alpha1', 'v1beta1*'],
    shortNames: ['saz', 'serverauthz', 'srvauthz'],
  },
  {
    group: 'policy.linkerd.io',
    plural: 'authorizationpolicies',
    kind: 'AuthorizationPolicy',
    versions: ['v1alpha1*'],
    shortNames: ['authzpolicy'],
  },
  {
    group: 'policy.linkerd.io',
    plural: 'meshtlsauthentications',
    kind: 'MeshTLSAuthentication',
    versions: ['v1alpha1*'],
    shortNames: ['meshtlsauthn'],
  },
  {
    group: 'policy.linkerd.io',
    plural: 'networkauthentications',
    kind: 'NetworkAuthentication',
    versions: ['v1alpha1*'],
    shortNames: ['netauthn', 'networkauthn'],
  },
  {
    group: 'policy.linkerd.io',
    plural: 'httproutes',
    kind: 'HTTPRoute',
    versions: ['v1alpha1', 'v1beta1', 'v1beta2', 'v1beta3*'],
    status: true,
  },
  {
    group: 'policy.linkerd.io',
    plural: 'httplocalratelimitpolicies',
    kind: 'HTTPLocalRateLimitPolicy',
    versions: ['v1alpha1*'],
    status: true,
  },
  {
    group: 'policy.linkerd.io',
    plural: 'egressnetworks',
    kind: 'EgressNetwork',
    versions: ['v1alpha1*'],
    status: true,
  },
  {
    group: 'workload.linkerd.io',
    plural: 'externalworkloads',
    kind: 'ExternalWorkload',
    versions: ['v1alpha1', 'v1beta1*'],
    status: true,
  },
];

function crd(row: CrdRow): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${row.plural}.${row.group}`, labels: { 'linkerd.io/control-plane-ns': 'linkerd' } },
    spec: {
      group: row.group,
      scope: 'Namespaced',
      names: {
        plural: row.plural,
        singular: row.kind.toLowerCase(),
        kind: row.kind,
        listKind: `${row.kind}List`,
        ...(row.shortNames === undefined ? {} : { shortNames: row.shortNames }),
      },
      versions: row.versions.map((v) => ({
        name: v.replace('*', ''),
        served: true,
        storage: v.endsWith('*'),
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        ...(row.status ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

/**
 * Linkerd's CustomResourceDefinitions (ServiceProfile, Server, ServerAuthorization,
 * AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication, HTTPRoute,
 * HTTPLocalRateLimitPolicy, EgressNetwork, ExternalWorkload) with permissive schemas: create
 * them to make those resources servable.
 */
export function linkerdCrds(): KubeObject[] {
  return rows.map(crd);
}
