import { randomUUID } from 'node:crypto';
import { crdResourceType, establishedCrdStatus, validateCrd } from './crd-resource-type.js';
import { cloneJson, isJsonObject, jsonEqual, type KubeObject, type StoredObject } from './kube-object.js';
import { checkBodyKind, resolveNamespace, specPart } from './object-checks.js';
import { applyCreateDefaults, ClusterIpAllocator, initialStatus } from './object-defaults.js';
import { generatedName, kubeTimestamp, nameProblem } from './object-name.js';
import type { ChangeType, ObjectStore } from './object-store.js';
import type { ResourceRegistry } from './resource-registry.js';
import { groupVersion, type ResourceType, storageKey } from './resource-type.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  STALE_OBJECT_MESSAGE,
} from './status.js';

/** Options shared by writes. */
export interface WriteOptions {
  /** Validate and compute the result without storing it (`?dryRun=All`). */
  dryRun?: boolean;
  /** Keep the status the caller gave on create and main-resource updates (test seeding only). */
  keepStatus?: boolean;
}

/** Preconditions of a delete (DeleteOptions.preconditions). */
export interface DeletePreconditions {
  uid?: string;
  resourceVersion?: string;
}

const NS_TYPE_KEY = '/namespaces';
const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/**
 * The generic registry: create, update, patch and delete with the metadata handling,
 * validation, optimistic concurrency and namespace lifecycle of the real API server.
 */
export class ResourceOperations {
  readonly #store: ObjectStore;
  readonly #registry: ResourceRegistry;
  readonly #ips = new ClusterIpAllocator();

  constructor(store: ObjectStore, registry: ResourceRegistry) {
    this.#store = store;
    this.#registry = registry;
  }

  /** The stored object, or a 404 NotFound error. */
  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject {
    const obj = this.#store.get(storageKey(type), namespace, name);
    if (obj === undefined) throw notFound({ group: type.group, resource: type.plural, name });
    return obj;
  }

  /** POST: a new object with uid, creationTimestamp, generation and resourceVersion set. */
  create(
    type: ResourceType,
    urlNamespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): StoredObject {
    const input = checkBodyKind(type, body);
    const namespace = resolveNamespace(type, urlNamespace, input);
    const meta = input.metadata ?? {};
    let name = typeof meta.name === 'string' ? meta.name : '';
    if (name === '' && typeof meta.generateName === 'string' && meta.generateName !== '') {
      name = generatedName(meta.generateName);
    }
    const obj = cloneJson(input) as StoredObject;
    obj.apiVersion = groupVersion(type.group, type.versions[0]!);
    obj.kind = type.kind;
    obj.metadata = { ...cloneJson(meta), name, uid: randomUUID(), resourceVersion: '' };
    if (namespace === undefined) delete obj.metadata.namespace;
    else obj.metadata.namespace = namespace;
    obj.metadata.creationTimestamp = kubeTimestamp(new Date());
    obj.metadata.generation = 1;
    delete obj.metadata.deletionTimestamp;
    this.#validate(type, obj, namespace);
    if (type.statusSubresource && !options.keepStatus) {
      const status = initialStatus(type);
      if (status === undefined) delete obj.status;
      else obj.status = status;
    }
    applyCreateDefaults(type, obj, this.#ips);
    if (storageKey(type) === CRD_KEY) {
      const problem = validateCrd(obj);
      if (problem !== undefined) throw problem;
      obj.status = establishedCrdStatus(obj, obj.metadata.creationTimestamp);
    }
    this.#checkNamespaceOpen(type, namespace);
    if (this.#store.get(storageKey(type), namespace, name) !== undefined)
      throw alreadyExists({ group: type.group, resource: type.plural, name });
    if (options.dryRun) return obj;
    return this.#commit(type, 'ADDED', obj, undefined);
  }

  /** PUT of the main resource or its `status` subresource, with optimistic concurrency. */
  update(
    type: ResourceType,
    urlNamespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): StoredObject {
    const input = checkBodyKind(type, body);
    const namespace = resolveNamespace(type, urlNamespace, input);
    const bodyName = input.metadata?.name;
    if (bodyName !== undefined && bodyName !== name)
      throw badRequest(
        `the name of the object (${String(bodyName)}) does not match the name on the URL (${name})`,
      );
    const old = this.get(type, namespace, name);
    const rv = input.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict({ group: type.group, resource: type.plural, name }, STALE_OBJECT_MESSAGE);
    let next: StoredObject;
    if (options.subresource === 'status') {
      next = cloneJson(old);
      if (input.status === undefined) delete next.status;
      else next.status = cloneJson(input.status);
    } else {
      next = cloneJson(input) as StoredObject;
      next.apiVersion = old.apiVersion;
      next.kind = type.kind;
      next.metadata = {
        ...cloneJson(input.metadata ?? {}),
        name,
        uid: old.metadata.uid,
        resourceVersion: '',
      };
      if (namespace === undefined) delete next.metadata.namespace;
      else next.metadata.namespace = namespace;
      next.metadata.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.deletionTimestamp === undefined) delete next.metadata.deletionTimestamp;
      else next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
      delete next.metadata.generateName;
      if (old.metadata.generateName !== undefined) next.metadata.generateName = old.metadata.generateName;
      if (type.statusSubresource && !options.keepStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = cloneJson(old.status);
      }
      this.#validate(type, next, namespace);
      if (storageKey(type) === CRD_KEY) {
        const problem = validateCrd(next);
        if (problem !== undefined) throw problem;
        if (!options.keepStatus)
          next.status = old.status ?? establishedCrdStatus(next, kubeTimestamp(new Date()));
      }
    }
    next.metadata.generation = old.metadata.generation ?? 1;
    if (!jsonEqual(specPart(old), specPart(next))) next.metadata.generation += 1;
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    // A write that changes nothing is not a change: no new resourceVersion, no watch event.
    if (jsonEqual(old, next)) return old;
    if (options.dryRun) return next;
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      return this.#remove(type, next);
    }
    return this.#commit(type, 'MODIFIED', next, old);
  }

  /**
   * DELETE of one object. With finalizers it only gets a deletionTimestamp; otherwise it is
   * removed (a Namespace with everything in it, a CRD with all its custom objects).
   */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: WriteOptions & { preconditions?: DeletePreconditions } = {},
  ): { object: StoredObject; removed: boolean } {
    const old = this.get(type, namespace, name);
    const pre = options.preconditions;
    const subject = { group: type.group, resource: type.plural, name };
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid)
      throw conflict(
        subject,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(
        subject,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${old.metadata.resourceVersion}`,
      );
    if ((old.metadata.finalizers ?? []).length > 0) {
      if (old.metadata.deletionTimestamp !== undefined || options.dryRun)
        return { object: old, removed: false };
      const next = cloneJson(old);
      next.metadata.deletionTimestamp = kubeTimestamp(new Date());
      return { object: this.#commit(type, 'MODIFIED', next, old), removed: false };
    }
    if (options.dryRun) return { object: old, removed: true };
    return { object: this.#remove(type, cloneJson(old)), removed: true };
  }

  #remove(type: ResourceType, obj: StoredObject): StoredObject {
    const key = storageKey(type);
    if (key === NS_TYPE_KEY) this.#deleteNamespaceContent(obj.metadata.name);
    if (key === CRD_KEY) this.#deleteCustomObjects(obj);
    const previous = this.#store.get(key, obj.metadata.namespace, obj.metadata.name);
    return this.#commit(type, 'DELETED', obj, previous);
  }

  #deleteNamespaceContent(namespace: string): void {
    for (const t of this.#registry.all()) {
      if (!t.namespaced) continue;
      for (const obj of this.#store.current(storageKey(t), namespace)) {
        this.#store.commit(storageKey(t), 'DELETED', cloneJson(obj), obj);
      }
    }
  }

  #deleteCustomObjects(crd: StoredObject): void {
    const type = crdResourceType(crd);
    if (type === undefined) return;
    for (const obj of this.#store.current(storageKey(type))) {
      this.#store.commit(storageKey(type), 'DELETED', cloneJson(obj), obj);
    }
  }

  #commit(
    type: ResourceType,
    change: ChangeType,
    obj: StoredObject,
    previous: StoredObject | undefined,
  ): StoredObject {
    const stored = this.#store.commit(storageKey(type), change, obj, previous);
    if (storageKey(type) === CRD_KEY) this.#syncCrd(stored, change, previous);
    return stored;
  }

  #syncCrd(crd: StoredObject, change: ChangeType, previous: StoredObject | undefined): void {
    const before = previous === undefined ? undefined : crdResourceType(previous);
    if (before !== undefined) this.#registry.unregister(before.group, before.plural);
    if (change === 'DELETED') return;
    const after = crdResourceType(crd);
    if (after !== undefined) this.#registry.register(after);
  }

  #validate(type: ResourceType, obj: StoredObject, namespace: string | undefined): void {
    const name = obj.metadata.name;
    const causes: Array<{ field: string; message: string; reason?: string }> = [];
    if (name === '') {
      causes.push({
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
        reason: 'FieldValueRequired',
      });
    } else {
      const problem = nameProblem(type, name);
      if (problem !== undefined) causes.push({ field: 'metadata.name', message: problem });
    }
    if (type.namespaced && namespace === undefined)
      causes.push({ field: 'metadata.namespace', message: 'Required value', reason: 'FieldValueRequired' });
    for (const field of ['labels', 'annotations'] as const) {
      const map = obj.metadata[field];
      if (map === undefined) continue;
      if (!isJsonObject(map))
        causes.push({ field: `metadata.${field}`, message: 'Invalid value: must be a map' });
      else
        for (const [k, v] of Object.entries(map)) {
          if (typeof v !== 'string')
            causes.push({
              field: `metadata.${field}.${k}`,
              message: `Invalid value: ${JSON.stringify(v)}: must be a string`,
            });
        }
    }
    if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
  }

  #checkNamespaceOpen(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced || namespace === undefined) return;
    const ns = this.#store.get(NS_TYPE_KEY, undefined, namespace);
    if (ns === undefined) throw notFound({ group: '', resource: 'namespaces', name: namespace });
    if (ns.metadata.deletionTimestamp !== undefined)
      throw forbidden(
        { group: type.group, resource: type.plural },
        `${type.plural} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }
}

/** The object as a client of `version` sees it: same data, that apiVersion. */
export function inVersion(obj: StoredObject, type: ResourceType, version: string): KubeObject {
  const out = cloneJson(obj);
  out.apiVersion = groupVersion(type.group, version);
  return out;
}
