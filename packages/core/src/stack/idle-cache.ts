import type { NewService } from './service.js';

/** Options for {@link IdleCache}. */
export interface IdleCacheOptions<Target, V> {
  /** Builds the value for a target the first time it is asked for. */
  build: NewService<Target, V>;
  /** Derives the cache key from a target. */
  key: (target: Target) => string;
  /** Evicts entries unused for this long, in milliseconds. 0 or less keeps entries forever. */
  idleMs: number;
  /** Called with each evicted value, e.g. to close a balancer. */
  onEvict?: (value: V, key: string) => void;
  /** A busy value (e.g. with requests in flight) is never evicted, however idle it looks. */
  isBusy?: (value: V) => boolean;
  /** Clock in milliseconds; defaults to `performance.now`. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  lastUsed: number;
}

/**
 * Caches per-target values (stacks, balancers, discovery subscriptions) and evicts the ones left
 * unused for the idle timeout, as linkerd2-proxy's `idle-cache` does for discovery results.
 */
export class IdleCache<Target, V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #opts: IdleCacheOptions<Target, V>;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: IdleCacheOptions<Target, V>) {
    this.#opts = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Returns the cached value for `target`, building it on first use. */
  get(target: Target): V {
    const key = this.#opts.key(target);
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      hit.lastUsed = now;
      return hit.value;
    }
    const value = this.#opts.build(target);
    this.#entries.set(key, { value, lastUsed: now });
    this.#schedule();
    return value;
  }

  /** Marks `key` as used now without building anything; returns false when absent. */
  touch(key: string): boolean {
    const hit = this.#entries.get(key);
    if (hit === undefined) return false;
    hit.lastUsed = this.#now();
    return true;
  }

  /** The number of cached values. */
  get size(): number {
    return this.#entries.size;
  }

  /** Evicts every entry idle for longer than the timeout; returns how many were evicted. */
  sweep(): number {
    if (this.#opts.idleMs <= 0) return 0;
    const now = this.#now();
    const cutoff = now - this.#opts.idleMs;
    const isBusy = this.#opts.isBusy;
    let evicted = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.lastUsed <= cutoff && isBusy?.(entry.value) === true) {
        entry.lastUsed = now;
        continue;
      }
      if (entry.lastUsed <= cutoff) {
        this.#entries.delete(key);
        this.#opts.onEvict?.(entry.value, key);
        evicted++;
      }
    }
    return evicted;
  }

  /** Evicts everything and stops the sweep timer. */
  clear(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const [key, entry] of this.#entries) this.#opts.onEvict?.(entry.value, key);
    this.#entries.clear();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#opts.idleMs <= 0) return;
    const period = Math.max(10, Math.min(this.#opts.idleMs, 60_000) / 2);
    this.#timer = setInterval(() => {
      this.sweep();
      if (this.#entries.size === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }, period);
    this.#timer.unref();
  }
}
