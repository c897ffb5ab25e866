import { cloneJson, type KubeObject, type StoredObject } from './kube-object.js';
import { applyMergePatch } from './merge-patch.js';
import type { ObjectStore } from './object-store.js';
import type { ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import { groupVersion, parseApiVersion, type ResourceType, storageKey } from './resource-type.js';
import { KubeApiError } from './status.js';

/**
 * An object to write: plain JSON, or a client model object (e.g. `V1Pod` from
 * `@kubernetes/client-node`, whose field names match the wire names except a few such as
 * `_continue`), written as its JSON.
 */
export type KubeObjectInput = KubeObject | { apiVersion?: string; kind?: string; metadata?: object };

// Client model objects carry Dates and class instances; the store keeps JSON.
function toJson(input: KubeObjectInput): KubeObject {
  return JSON.parse(JSON.stringify(input)) as KubeObject;
}

/**
 * The server's objects, for tests to seed and inspect directly, without a client. Writes go
 * through the same registry as API requests (validation, resourceVersion, watch events), except
 * that the status a test gives is kept, so a Pod can be seeded with its IP in one call. Every
 * object returned is a copy.
 */
export class KubeStore {
  readonly #store: ObjectStore;
  readonly #ops: ResourceOperations;
  readonly #registry: ResourceRegistry;

  constructor(store: ObjectStore, ops: ResourceOperations, registry: ResourceRegistry) {
    this.#store = store;
    this.#ops = ops;
    this.#registry = registry;
  }

  /** The newest resourceVersion. */
  get resourceVersion(): number {
    return this.#store.resourceVersion;
  }

  /** Creates an object (409 AlreadyExists if it exists). */
  create(input: KubeObjectInput): StoredObject {
    const obj = toJson(input);
    const type = this.#typeOf(obj.apiVersion, obj.kind);
    return cloneJson(this.#ops.create(type, undefined, obj, { keepStatus: true }));
  }

  /** Replaces an object, status included; a resourceVersion in `obj` must be current (else 409 Conflict). */
  update(input: KubeObjectInput): StoredObject {
    const obj = toJson(input);
    const type = this.#typeOf(obj.apiVersion, obj.kind);
    return cloneJson(
      this.#ops.update(type, obj.metadata?.namespace, obj.metadata?.name ?? '', obj, { keepStatus: true }),
    );
  }

  /** Creates the object, or replaces it whatever its resourceVersion. */
  apply(input: KubeObjectInput): StoredObject {
    const obj = toJson(input);
    const type = this.#typeOf(obj.apiVersion, obj.kind);
    const name = obj.metadata?.name ?? '';
    const existing =
      name === '' ? undefined : this.#store.get(storageKey(type), obj.metadata?.namespace, name);
    if (existing === undefined) return this.create(obj);
    const unconditional = cloneJson(obj);
    if (unconditional.metadata !== undefined) delete unconditional.metadata.resourceVersion;
    return this.update(unconditional);
  }

  /** Applies a JSON merge patch (status included) to an object; 404 if it does not exist. */
  patch(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: Record<string, unknown>,
  ): StoredObject {
    const type = this.#typeOf(apiVersion, kind);
    const current = this.#ops.get(type, namespace, name);
    const next = applyMergePatch(current, patch) as KubeObject;
    return cloneJson(this.#ops.update(type, namespace, name, next, { keepStatus: true }));
  }

  /** The object, or undefined. */
  get(apiVersion: string, kind: string, name: string, namespace?: string): StoredObject | undefined {
    const type = this.#typeOf(apiVersion, kind);
    const obj = this.#store.get(storageKey(type), namespace, name);
    return obj === undefined ? undefined : this.#view(obj, type, apiVersion);
  }

  /** Objects of a kind, ordered by namespace and name, optionally of one namespace. */
  list(apiVersion: string, kind: string, namespace?: string): StoredObject[] {
    const type = this.#typeOf(apiVersion, kind);
    return this.#store.current(storageKey(type), namespace).map((o) => this.#view(o, type, apiVersion));
  }

  /** Deletes an object (finalizers are honoured); returns whether it existed. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string): boolean {
    const type = this.#typeOf(apiVersion, kind);
    if (this.#store.get(storageKey(type), namespace, name) === undefined) return false;
    this.#ops.delete(type, namespace, name);
    return true;
  }

  #view(obj: StoredObject, type: ResourceType, apiVersion: string): StoredObject {
    const out = cloneJson(obj);
    out.apiVersion = groupVersion(type.group, parseApiVersion(apiVersion).version);
    return out;
  }

  #typeOf(apiVersion: unknown, kind: unknown): ResourceType {
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '')
      throw new KubeApiError(
        400,
        'BadRequest',
        `an object needs apiVersion and kind, got apiVersion=${JSON.stringify(apiVersion)} kind=${JSON.stringify(kind)}`,
      );
    const { group, version } = parseApiVersion(apiVersion);
    const type = this.#registry.byKind(group, version, kind);
    if (type === undefined)
      throw new KubeApiError(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return type;
  }
}
