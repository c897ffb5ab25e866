import type { Observable, Subscription } from 'rxjs';
import { ClosedError, NoEndpointsError } from '../errors/index.js';
import { ReadyQueue } from '../stack/ready-queue.js';
import type { Service } from '../stack/service.js';
import type { EndpointUpdate } from './endpoint-update.js';
import type { Candidate, EndpointLoad, LoadStrategy } from './load-strategy.js';
import { createStrategy } from './registry.js';
import { sameDescriptor } from './same-descriptor.js';

/** What the balancer offers each endpoint it creates. */
export interface EndpointContext {
  /** Call when the endpoint's readiness changed (e.g. it connected or went into backoff). */
  readyChanged(): void;
}

/**
 * Optional hooks a balanced endpoint may have: readiness (absent means always ready) and close
 * (called once when it leaves the set). Any object can be balanced.
 */
export interface BalancedEndpoint {
  /** Whether the endpoint can take a request now (default: always). */
  isReady?(): boolean;
  /** Releases the endpoint's resources once it leaves the set. */
  close?(): void;
}

/** Options for {@link Balancer}. */
export interface BalancerOptions<D, E extends object> {
  /** Endpoint set updates from a resolver. */
  updates: Observable<EndpointUpdate<D>>;
  /** Identifies an endpoint descriptor (usually `ip:port`). */
  key: (desc: D) => string;
  /** Relative weight of an endpoint (default 1). */
  weight?: (desc: D) => number;
  /**
   * Whether a descriptor for a key already in the set describes the same endpoint (default:
   * structural equality, {@link sameDescriptor}). Equal ones keep their endpoint; changed ones
   * get a fresh endpoint and the old one is closed (drained).
   */
  equal?: (a: D, b: D) => boolean;
  /** Creates the endpoint for a descriptor when it joins the set. */
  connect: (desc: D, ctx: EndpointContext) => E;
  /** A strategy instance or a registered name (default `p2c-peak-ewma`). */
  strategy?: LoadStrategy | string;
  /** Queue in front of the balancer (default capacity 10,000, failfast 3 s, as outbound HTTP). */
  queue?: { capacity?: number; failfastTimeoutMs?: number };
  /** Names the balancer in error messages (e.g. the authority). */
  name?: string;
  /** Clock in ms; defaults to `performance.now`. */
  now?: () => number;
}

/** An endpoint chosen for one request. Call {@link Picked.done} exactly once when it completes. */
export interface Picked<E> {
  /** The endpoint. */
  readonly endpoint: E;
  /** The endpoint's key. */
  readonly key: string;
  /** Reports completion (first response frame or failure) so the load is updated. */
  done(ok: boolean): void;
}

class Slot<D, E extends object> implements Candidate {
  readonly key: string;
  desc: D;
  endpoint: E;
  weight: number;
  readonly load: EndpointLoad;

  constructor(key: string, desc: D, endpoint: E, weight: number, load: EndpointLoad) {
    this.key = key;
    this.desc = desc;
    this.endpoint = endpoint;
    this.weight = weight;
    this.load = load;
  }

  isReady(): boolean {
    const ready = (this.endpoint as BalancedEndpoint).isReady;
    return ready === undefined || ready.call(this.endpoint);
  }
}

class Handle<E> implements Picked<E> {
  readonly endpoint: E;
  readonly key: string;
  readonly #load: EndpointLoad;
  readonly #startedAt: number;
  readonly #now: () => number;
  #done = false;

  constructor(endpoint: E, key: string, load: EndpointLoad, startedAt: number, now: () => number) {
    this.endpoint = endpoint;
    this.key = key;
    this.#load = load;
    this.#startedAt = startedAt;
    this.#now = now;
  }

  done(ok: boolean): void {
    if (this.#done) return;
    this.#done = true;
    const now = this.#now();
    this.#load.end(now, now - this.#startedAt, ok);
  }
}

/**
 * A load balancer over a changing endpoint set (resolver → balancer → endpoint): it follows a
 * stream of {@link EndpointUpdate}s, creates an endpoint per descriptor, and picks among the
 * ready ones with a {@link LoadStrategy} (P2C over peak-EWMA by default). Requests that arrive
 * while nothing is ready wait in a bounded queue with failfast, as in linkerd2-proxy. After a
 * `doesNotExist` update requests fail at once with {@link NoEndpointsError}.
 *
 * @example
 * ```ts
 * const lb = new Balancer({ updates, key: (e) => e.addr, connect: (e) => new Client(e.addr) });
 * const res = await lb.call(req, (client, r) => client.request(r));
 * ```
 */
export class Balancer<D, E extends object> {
  readonly #opts: BalancerOptions<D, E>;
  readonly #strategy: LoadStrategy;
  readonly #now: () => number;
  readonly #slots = new Map<string, Slot<D, E>>();
  #ready: Slot<D, E>[] = [];
  readonly #queue: ReadyQueue;
  readonly #subscription: Subscription;
  readonly #ctx: EndpointContext;
  #exists: boolean | undefined;
  #updates = 0;
  #closed = false;
  #readyDirty = false;
  #lastError: unknown;

  constructor(options: BalancerOptions<D, E>) {
    this.#opts = options;
    this.#now = options.now ?? (() => performance.now());
    const s = options.strategy ?? 'p2c-peak-ewma';
    this.#strategy = typeof s === 'string' ? createStrategy(s) : s;
    this.#queue = new ReadyQueue({
      isReady: () => this.readyCount > 0,
      capacity: options.queue?.capacity ?? 10_000,
      failfastTimeoutMs: options.queue?.failfastTimeoutMs ?? 3_000,
      ...(options.name === undefined ? {} : { name: options.name }),
    });
    this.#ctx = {
      readyChanged: () => {
        this.#readyDirty = true;
        if (!this.#closed) this.#queue.notify();
      },
    };
    this.#subscription = options.updates.subscribe({
      next: (u) => this.#apply(u),
      error: (err: unknown) => {
        // A resolver that errors keeps the last known endpoints, as linkerd2-proxy does.
        this.#lastError = err;
      },
    });
  }

  /** The strategy in use. */
  get strategy(): LoadStrategy {
    return this.#strategy;
  }

  /** Number of endpoints in the set. */
  get size(): number {
    return this.#slots.size;
  }

  /** Number of endpoints ready now. */
  get readyCount(): number {
    return this.#readyList().length;
  }

  /** `false` after a `doesNotExist` update, `true` after any other, `undefined` before the first. */
  get exists(): boolean | undefined {
    return this.#exists;
  }

  /** Updates applied so far. */
  get updates(): number {
    return this.#updates;
  }

  /** The last error the resolver stream ended with, if any. */
  get resolverError(): unknown {
    return this.#lastError;
  }

  /** The queue in front of the balancer, for metrics. */
  get queue(): ReadyQueue {
    return this.#queue;
  }

  /** Keys of the endpoints in the set. */
  keys(): string[] {
    return [...this.#slots.keys()];
  }

  /** Returns the endpoint for `key`, if present. */
  get(key: string): E | undefined {
    return this.#slots.get(key)?.endpoint;
  }

  /**
   * Picks a ready endpoint now, or returns `undefined` when none is ready. The caller must call
   * `done` on the result when the request completes.
   */
  pick(): Picked<E> | undefined {
    const ready = this.#readyList();
    const n = ready.length;
    if (n === 0) return undefined;
    const now = this.#now();
    const slot = n === 1 ? ready[0]! : ready[this.#strategy.pick(ready, now)]!;
    slot.load.start(now);
    return new Handle(slot.endpoint, slot.key, slot.load, now, this.#now);
  }

  /**
   * Admits a request through the queue: `undefined` when an endpoint is ready now, a promise
   * that resolves when one is, or a thrown `LoadShedError` / `FailfastError`.
   */
  acquire(): Promise<void> | undefined {
    if (this.#closed) throw new ClosedError(`balancer ${this.#opts.name ?? ''} closed`.trim());
    if (this.#exists === false) throw new NoEndpointsError(this.#opts.name ?? 'target');
    return this.#queue.acquire();
  }

  /**
   * Dispatches `req` to a picked endpoint with `send`, waiting in the queue when needed. The
   * endpoint's load is updated when `send` settles.
   */
  call<Req, Res>(req: Req, send: (endpoint: E, req: Req) => Promise<Res>): Promise<Res> {
    let wait: Promise<void> | undefined;
    try {
      wait = this.acquire();
    } catch (err) {
      return Promise.reject(err);
    }
    if (wait === undefined) return this.#dispatch(req, send);
    return wait.then(() => this.#dispatch(req, send));
  }

  /** Returns a {@link Service} that balances over the endpoints using `send`. */
  service<Req, Res>(send: (endpoint: E, req: Req) => Promise<Res>): Service<Req, Res> {
    return (req) => this.call(req, send);
  }

  /** Stops following updates, fails queued requests and closes every endpoint. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription.unsubscribe();
    this.#queue.close(new ClosedError(`balancer ${this.#opts.name ?? ''} closed`.trim()));
    for (const slot of this.#slots.values()) (slot.endpoint as BalancedEndpoint).close?.();
    this.#slots.clear();
    this.#ready = [];
  }

  #dispatch<Req, Res>(req: Req, send: (endpoint: E, req: Req) => Promise<Res>): Promise<Res> {
    const picked = this.pick();
    if (picked === undefined) {
      // Readiness changed between admission and dispatch: go back through the queue.
      return this.call(req, send);
    }
    let p: Promise<Res>;
    try {
      p = send(picked.endpoint, req);
    } catch (err) {
      picked.done(false);
      return Promise.reject(err);
    }
    return p.then(
      (res) => {
        picked.done(true);
        return res;
      },
      (err: unknown) => {
        picked.done(false);
        throw err;
      },
    );
  }

  #readyList(): Slot<D, E>[] {
    if (this.#readyDirty) {
      this.#readyDirty = false;
      const ready: Slot<D, E>[] = [];
      for (const slot of this.#slots.values()) if (slot.isReady()) ready.push(slot);
      this.#ready = ready;
    }
    return this.#ready;
  }

  #apply(update: EndpointUpdate<D>): void {
    if (this.#closed) return;
    this.#updates++;
    switch (update.type) {
      case 'reset': {
        const keep = new Set<string>();
        for (const d of update.endpoints) keep.add(this.#upsert(d));
        for (const [key, slot] of this.#slots) {
          if (!keep.has(key)) this.#remove(key, slot);
        }
        this.#exists = true;
        break;
      }
      case 'add':
        for (const d of update.endpoints) this.#upsert(d);
        this.#exists = true;
        break;
      case 'remove':
        for (const key of update.keys) {
          const slot = this.#slots.get(key);
          if (slot !== undefined) this.#remove(key, slot);
        }
        this.#exists = true;
        break;
      case 'doesNotExist':
        for (const [key, slot] of this.#slots) this.#remove(key, slot);
        this.#exists = false;
        // Nothing will ever be ready for a name that does not exist: fail the waiters now.
        this.#queue.failWaiting(new NoEndpointsError(this.#opts.name ?? 'target'));
        break;
    }
    this.#readyDirty = true;
    this.#queue.notify();
  }

  #upsert(desc: D): string {
    const key = this.#opts.key(desc);
    const weight = this.#weight(desc);
    const existing = this.#slots.get(key);
    if (existing !== undefined) {
      if (existing.desc === desc || (this.#opts.equal ?? sameDescriptor)(existing.desc, desc)) {
        existing.desc = desc;
        return key;
      }
      // A changed descriptor (labels, identity, hints) gets a fresh endpoint; load is kept.
      const old = existing.endpoint;
      existing.endpoint = this.#opts.connect(desc, this.#ctx);
      existing.desc = desc;
      existing.weight = weight;
      (old as BalancedEndpoint).close?.();
      return key;
    }
    const now = this.#now();
    const endpoint = this.#opts.connect(desc, this.#ctx);
    this.#slots.set(key, new Slot(key, desc, endpoint, weight, this.#strategy.newLoad(now)));
    return key;
  }

  #remove(key: string, slot: Slot<D, E>): void {
    this.#slots.delete(key);
    (slot.endpoint as BalancedEndpoint).close?.();
  }

  #weight(desc: D): number {
    // Discovery data is not trusted to be sane: a weight that is not a positive number counts as 1.
    const w = this.#opts.weight?.(desc) ?? 1;
    return w > 0 && Number.isFinite(w) ? w : 1;
  }
}
