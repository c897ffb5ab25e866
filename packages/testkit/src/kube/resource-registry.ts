import { builtinResourceTypes } from './builtin-resources.js';
import { type ResourceType, storageKey } from './resource-type.js';
import { compareVersionPriority } from './version-priority.js';

/** One API group as discovery lists it. */
export interface ApiGroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

/**
 * The resource types the server serves, built-in and from CRDs, looked up by URL
 * (group, version, plural) or by kind.
 */
export class ResourceRegistry {
  readonly #byKey = new Map<string, ResourceType>();

  constructor() {
    for (const type of builtinResourceTypes()) this.#byKey.set(storageKey(type), type);
  }

  /** Adds or replaces the type under its group/plural (a CRD registered or updated). */
  register(type: ResourceType): void {
    this.#byKey.set(storageKey(type), type);
  }

  /** Removes the type of a group/plural (a CRD deleted). */
  unregister(group: string, plural: string): void {
    this.#byKey.delete(`${group}/${plural}`);
  }

  /** The type served at `/apis/<group>/<version>/<plural>`, if that version is served. */
  byPath(group: string, version: string, plural: string): ResourceType | undefined {
    const type = this.#byKey.get(`${group}/${plural}`);
    return type?.versions.includes(version) ? type : undefined;
  }

  /** The type of `kind` in a group, if `version` of it is served. */
  byKind(group: string, version: string, kind: string): ResourceType | undefined {
    for (const type of this.#byKey.values()) {
      if (type.group === group && type.kind === kind && type.versions.includes(version)) return type;
    }
    return undefined;
  }

  /** Every type, built-in and custom. */
  all(): ResourceType[] {
    return [...this.#byKey.values()];
  }

  /** Types served in one group version. */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.versions.includes(version));
  }

  /** Whether any resource is served in the group version (so its discovery document exists). */
  servesGroupVersion(group: string, version: string): boolean {
    return this.all().some((t) => t.group === group && t.versions.includes(version));
  }

  /** The named groups (not the core group) with their versions, preferred first. */
  groups(): ApiGroupInfo[] {
    const byName = new Map<string, Set<string>>();
    for (const type of this.#byKey.values()) {
      if (type.group === '') continue;
      let versions = byName.get(type.group);
      if (versions === undefined) {
        versions = new Set();
        byName.set(type.group, versions);
      }
      for (const v of type.versions) versions.add(v);
    }
    return [...byName.entries()].map(([name, versions]) => ({
      name,
      versions: [...versions].sort(compareVersionPriority),
    }));
  }
}
