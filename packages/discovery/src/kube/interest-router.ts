/**
 * A registration of interest in change keys (`svc:ns/name`, `pod:ns/name`, `ip:10.0.0.1`, …). Its
 * callback runs once per batch of changes to any of its keys, in a microtask, so a burst (a
 * relist, a rollout) costs one recomputation.
 */
export interface Interest {
  /** Replaces the keys this interest listens to. */
  setKeys(keys: Iterable<string>): void;
  /** Stops listening. */
  close(): void;
}

interface Listener {
  keys: Set<string>;
  callback: () => void;
  scheduled: boolean;
  closed: boolean;
}

/** Routes change keys to the views that depend on them: O(1) per change and listener. */
export class InterestRouter {
  readonly #byKey = new Map<string, Set<Listener>>();

  /** Number of keys someone listens to. */
  get keyCount(): number {
    return this.#byKey.size;
  }

  /** Registers `callback`; it listens to no key until `setKeys`. */
  register(callback: () => void): Interest {
    const listener: Listener = { keys: new Set(), callback, scheduled: false, closed: false };
    return {
      setKeys: (keys) => {
        if (listener.closed) return;
        const next = new Set(keys);
        for (const k of listener.keys) if (!next.has(k)) this.#remove(k, listener);
        for (const k of next) {
          if (listener.keys.has(k)) continue;
          let set = this.#byKey.get(k);
          if (set === undefined) {
            set = new Set();
            this.#byKey.set(k, set);
          }
          set.add(listener);
        }
        listener.keys = next;
      },
      close: () => {
        listener.closed = true;
        for (const k of listener.keys) this.#remove(k, listener);
        listener.keys.clear();
      },
    };
  }

  /** Signals a change of `key`. */
  notify(key: string): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const listener of set) {
      if (listener.scheduled) continue;
      listener.scheduled = true;
      queueMicrotask(() => {
        listener.scheduled = false;
        if (!listener.closed) listener.callback();
      });
    }
  }

  #remove(key: string, listener: Listener): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    set.delete(listener);
    if (set.size === 0) this.#byKey.delete(key);
  }
}
