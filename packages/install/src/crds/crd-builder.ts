import type { KubeObject } from '@skein/inject';

/** One served version of a CRD. */
export interface CrdVersion {
  /** Version name (`v1alpha2`). */
  readonly name: string;
  /** Whether objects are stored at this version (exactly one per CRD). */
  readonly storage: boolean;
  /** The `spec` schema (OpenAPI v3, as `openAPIV3Schema` takes it). */
  readonly spec: Record<string, unknown>;
  /** Whether `spec` is required. Default: true. */
  readonly specRequired?: boolean;
  /** Whether the version has a status subresource (status schema left open). */
  readonly status?: boolean;
  /** Extra printer columns. */
  readonly columns?: readonly { name: string; type: string; jsonPath: string }[];
  /** Deprecation warning shown by the API server. */
  readonly deprecated?: boolean;
}

/** What a CRD defines. */
export interface CrdDefinition {
  /** API group. */
  readonly group: string;
  /** Kind (`ServiceProfile`). */
  readonly kind: string;
  /** Plural resource name. */
  readonly plural: string;
  /** Short names (`sp`). */
  readonly shortNames?: readonly string[];
  /** Categories (`linkerd`, `policy`). */
  readonly categories?: readonly string[];
  /** Versions. */
  readonly versions: readonly CrdVersion[];
}

/** Builds a namespaced `apiextensions.k8s.io/v1` CustomResourceDefinition. */
export function customResourceDefinition(def: CrdDefinition, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}`, labels },
    spec: {
      group: def.group,
      scope: 'Namespaced',
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.kind.toLowerCase(),
        ...(def.shortNames === undefined ? {} : { shortNames: [...def.shortNames] }),
        ...(def.categories === undefined ? {} : { categories: [...def.categories] }),
      },
      versions: def.versions.map((v) => ({
        name: v.name,
        served: true,
        storage: v.storage,
        ...(v.deprecated === true ? { deprecated: true } : {}),
        schema: {
          openAPIV3Schema: {
            type: 'object',
            ...(v.specRequired === false ? {} : { required: ['spec'] }),
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: v.spec,
              ...(v.status === true
                ? { status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }
                : {}),
            },
          },
        },
        ...(v.status === true ? { subresources: { status: {} } } : {}),
        ...(v.columns === undefined ? {} : { additionalPrinterColumns: v.columns.map((c) => ({ ...c })) }),
      })),
    },
  };
}
