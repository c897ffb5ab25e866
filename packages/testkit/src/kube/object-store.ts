import type { StoredObject } from './kube-object.js';
import { expired } from './status.js';

/** The type of a change, as watch events name it. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change: the resourceVersion it got, the object after it and before it. */
export interface ChangeEvent {
  rv: number;
  type: ChangeType;
  /** Storage key of the resource (`<group>/<plural>`). */
  key: string;
  object: StoredObject;
  previous: StoredObject | undefined;
}

/** Options of {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /** How many changes are kept for watch replay and consistent paging before compaction. */
  historyLimit: number;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function sortedValues(map: Map<string, StoredObject>, namespace: string | undefined): StoredObject[] {
  const keys = [...map.keys()].sort();
  const out: StoredObject[] = [];
  for (const k of keys) {
    const obj = map.get(k)!;
    if (namespace === undefined || obj.metadata.namespace === namespace) out.push(obj);
  }
  return out;
}

/**
 * Objects of every resource under one monotonically increasing resourceVersion, as etcd gives,
 * with a bounded history of changes. Objects held here are never handed out for mutation:
 * callers copy before changing.
 */
export class ObjectStore {
  #rv = 1;
  #compactedRv = 1;
  readonly #objects = new Map<string, Map<string, StoredObject>>();
  #history: ChangeEvent[] = [];
  readonly #listeners = new Set<(event: ChangeEvent) => void>();
  readonly #historyLimit: number;

  constructor(options: ObjectStoreOptions) {
    this.#historyLimit = options.historyLimit;
  }

  /** The newest resourceVersion (of the last change). */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** Changes at or before this resourceVersion are gone from history: watches from older versions get 410. */
  get compactedResourceVersion(): number {
    return this.#compactedRv;
  }

  /** The object, or undefined. */
  get(key: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.#objects.get(key)?.get(objectKey(namespace, name));
  }

  /** Current objects of a resource, ordered by namespace then name, optionally of one namespace. */
  current(key: string, namespace?: string): StoredObject[] {
    const map = this.#objects.get(key);
    return map === undefined ? [] : sortedValues(map, namespace);
  }

  /**
   * Objects of a resource as they were at `rv`, rebuilt by undoing later changes. A version
   * older than the history is a 410 Expired error.
   */
  at(key: string, namespace: string | undefined, rv: number, why: string): StoredObject[] {
    if (rv >= this.#rv) return this.current(key, namespace);
    if (rv < this.#compactedRv) throw expired(why);
    const map = new Map(this.#objects.get(key) ?? []);
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const e = this.#history[i]!;
      if (e.rv <= rv) break;
      if (e.key !== key) continue;
      const k = objectKey(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type === 'ADDED') map.delete(k);
      else if (e.previous !== undefined) map.set(k, e.previous);
    }
    return sortedValues(map, namespace);
  }

  /**
   * Commits a change: gives `object` the next resourceVersion, stores (or removes, for DELETED)
   * it, records it in history and tells every listener. Returns the stored object.
   */
  commit(
    key: string,
    type: ChangeType,
    object: StoredObject,
    previous: StoredObject | undefined,
  ): StoredObject {
    this.#rv++;
    object.metadata.resourceVersion = String(this.#rv);
    let map = this.#objects.get(key);
    if (map === undefined) {
      map = new Map();
      this.#objects.set(key, map);
    }
    const k = objectKey(object.metadata.namespace, object.metadata.name);
    if (type === 'DELETED') map.delete(k);
    else map.set(k, object);
    const event: ChangeEvent = { rv: this.#rv, type, key, object, previous };
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historyLimit);
      this.#compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const listener of this.#listeners) listener(event);
    return object;
  }

  /** Changes after `rv`, oldest first; a version older than the history is a 410 Expired error. */
  changesAfter(rv: number): ChangeEvent[] {
    if (rv < this.#compactedRv) throw expired(`too old resource version: ${rv} (${this.#compactedRv})`);
    let lo = 0;
    let hi = this.#history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.#history.slice(lo);
  }

  /** Drops all history, as an etcd compaction does; returns the compacted resourceVersion. */
  compact(): number {
    this.#history = [];
    this.#compactedRv = this.#rv;
    return this.#compactedRv;
  }

  /** Calls `listener` for every change from now on; returns the function that stops it. */
  subscribe(listener: (event: ChangeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
