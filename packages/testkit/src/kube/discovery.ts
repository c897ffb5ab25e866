import type { ApiGroupInfo, ResourceRegistry } from './resource-registry.js';
import { ALL_VERBS, groupVersion, type ResourceType } from './resource-type.js';

/** The `/version` answer. */
export interface KubeVersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The version this server reports unless told otherwise. */
export function defaultVersionInfo(): KubeVersionInfo {
  return {
    major: '1',
    minor: '33',
    gitVersion: 'v1.33.0-skein-testkit',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-23T00:00:00Z',
    goVersion: 'go1.24.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function resourceEntries(type: ResourceType): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs ?? ALL_VERBS,
  };
  if (type.shortNames !== undefined) main.shortNames = type.shortNames;
  const subs: Array<Record<string, unknown>> = [];
  if (type.statusSubresource)
    subs.push({
      name: `${type.plural}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ['get', 'patch', 'update'],
    });
  for (const sub of type.subresources ?? []) {
    const kind = sub === 'token' ? 'TokenRequest' : type.kind;
    subs.push({
      name: `${type.plural}/${sub}`,
      singularName: '',
      namespaced: type.namespaced,
      ...(sub === 'token' ? { group: 'authentication.k8s.io', version: 'v1' } : {}),
      kind,
      verbs: ['create'],
    });
  }
  return [main, ...subs];
}

/** `APIResourceList` of one group version. */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> {
  const types = registry.inGroupVersion(group, version).sort((a, b) => (a.plural < b.plural ? -1 : 1));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: types.flatMap(resourceEntries),
  };
}

function groupEntry(info: ApiGroupInfo): Record<string, unknown> {
  const versions = info.versions.map((v) => ({ groupVersion: `${info.name}/${v}`, version: v }));
  return { name: info.name, versions, preferredVersion: versions[0] };
}

/** `APIGroupList` for `/apis`. */
export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = registry.groups().sort((a, b) => (a.name < b.name ? -1 : 1));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(groupEntry) };
}

/** `APIGroup` for `/apis/<group>`, or undefined when no such group is served. */
export function apiGroup(registry: ResourceRegistry, name: string): Record<string, unknown> | undefined {
  const info = registry.groups().find((g) => g.name === name);
  return info === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(info) };
}

/** `APIVersions` for `/api`. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** A minimal OpenAPI v2 document: enough for clients that only check it exists. */
export function openApiV2(version: KubeVersionInfo): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: version.gitVersion },
    paths: {},
    definitions: {},
  };
}
