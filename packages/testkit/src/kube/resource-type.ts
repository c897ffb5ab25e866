/**
 * One servable resource: the group, versions and names discovery advertises, and how the
 * generic registry treats it. A custom resource gets one from its CRD.
 */
export interface ResourceType {
  /** API group, `''` for the core group. */
  group: string;
  /** Served versions, preferred (storage) version first. */
  versions: string[];
  /** Plural resource name in URLs, e.g. `pods`. */
  plural: string;
  /** Singular name, e.g. `pod`. */
  singular: string;
  /** Kind, e.g. `Pod`. */
  kind: string;
  /** Whether objects live in a namespace. */
  namespaced: boolean;
  /** Short names (`svc`, `sp`) advertised in discovery. */
  shortNames?: string[];
  /** Whether a `/status` subresource exists: then the main resource ignores status writes. */
  statusSubresource: boolean;
  /** Whether DELETE answers the deleted object (pods, services) rather than a success Status. */
  returnsDeletedObject?: boolean;
  /** Field paths usable in fieldSelector besides metadata.name and metadata.namespace. */
  selectableFields?: string[];
  /** Only these verbs are served; otherwise the full set. Used by create-only review kinds. */
  verbs?: string[];
  /** Extra subresources advertised in discovery, e.g. `token` for serviceaccounts. */
  subresources?: string[];
  /** Whether the type was defined by a CustomResourceDefinition. */
  custom: boolean;
}

/** The verbs a regular stored resource serves. */
export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The key objects of one resource are stored under; versions of one resource share it. */
export function storageKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.group}/${type.plural}`;
}

/** `v1` or `apps/v1`. */
export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The group and version of an `apiVersion` string. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
