import {
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type ObjectCache,
} from '@kubernetes/client-node';
import { type Logger, nullLogger } from '@skein/core';
import { Observable, Subject } from 'rxjs';
import { type BackoffOptions, ExponentialBackoff } from '../backoff.js';
import type { WatchMetrics } from './watch-metrics.js';

/**
 * One change to a watched resource kind. A subscriber first receives every current object as
 * `added`, then `synced`, then changes as they happen.
 */
export type ResourceEvent<T> =
  | { readonly type: 'added' | 'modified' | 'deleted'; readonly object: T }
  | { readonly type: 'synced' };

/** One page of a paginated list request. */
export interface ListPage {
  /** Most objects in the page. */
  readonly limit: number;
  /** The continue token of the previous page. */
  readonly _continue?: string;
}

/** Objects per list page, as client-go's reflectors use. */
export const LIST_PAGE_SIZE = 500;

/**
 * Lists every object page by page, trimming each page before asking for the next, so a large
 * cluster never sits in memory untrimmed. Pages come from one consistent snapshot.
 */
export function pagedList<T extends KubernetesObject>(
  kind: ResourceKind<T>,
  kubeConfig: KubeConfig,
  pageSize = LIST_PAGE_SIZE,
): () => Promise<KubernetesListObject<T>> {
  const listPage = kind.list(kubeConfig);
  return async () => {
    const items: T[] = [];
    let token: string | undefined;
    let metadata: KubernetesListObject<T>['metadata'];
    do {
      const page = await listPage(
        token === undefined ? { limit: pageSize } : { limit: pageSize, _continue: token },
      );
      for (const item of page.items) {
        kind.trim?.(item);
        items.push(item);
      }
      metadata = page.metadata;
      token = page.metadata?._continue || undefined;
    } while (token !== undefined);
    return {
      ...(metadata === undefined ? {} : { metadata: { resourceVersion: metadata.resourceVersion } }),
      items,
    } as KubernetesListObject<T>;
  };
}

/** A Kubernetes resource kind to watch across all namespaces. */
export interface ResourceKind<T extends KubernetesObject> {
  /** Name in logs and metrics, e.g. `endpointslices`. */
  readonly name: string;
  /** The collection path, e.g. `/apis/discovery.k8s.io/v1/endpointslices`. */
  readonly path: string;
  /** Builds the list call for one page (`limit`, `_continue`); the watch lists page by page. */
  list(kubeConfig: KubeConfig): (page: ListPage) => Promise<KubernetesListObject<T>>;
  /**
   * Drops, in place, fields nobody downstream reads, before subscribers see the object. The
   * informer caches the same object, so what is dropped is never held.
   */
  trim?(object: T): void;
}

/** Options of {@link ResourceWatch}. */
export interface ResourceWatchOptions {
  /** Logs watch failures and restarts. */
  readonly logger?: Logger;
  /** Delay between restarts after a failed list or watch (default 100 ms doubling to 30 s). */
  readonly backoff?: BackoffOptions;
  /** Counts failures and restarts. */
  readonly metrics?: WatchMetrics;
  /** Objects per list page (default {@link LIST_PAGE_SIZE}). */
  readonly pageSize?: number;
}

function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; code?: unknown } | null;
  const code = e?.statusCode ?? e?.code;
  return typeof code === 'number' ? code : undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = statusOf(err);
    return code === undefined ? err.message : `${err.message} (${code})`;
  }
  return String(err);
}

/**
 * A @kubernetes/client-node informer exposed as an rxjs Observable. However many subscribe, there
 * is one list and one watch: the first subscriber starts the informer, the last one stops it.
 * When the watch ends it resumes from the last resourceVersion; on `410 Gone` the informer
 * relists and reports exactly the differences; on any other failure the watch restarts with
 * backoff, keeping its cache, so nothing is lost or reported twice.
 */
export class ResourceWatch<T extends KubernetesObject> {
  readonly #kubeConfig: KubeConfig;
  readonly #kind: ResourceKind<T>;
  readonly #logger: Logger;
  readonly #backoff: ExponentialBackoff;
  readonly #metrics: WatchMetrics | undefined;
  readonly #pageSize: number;
  readonly #events = new Subject<ResourceEvent<T>>();
  #informer: (Informer<T> & ObjectCache<T>) | undefined;
  #subscribers = 0;
  #synced = false;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #generation = 0;
  #errors = 0;

  constructor(kubeConfig: KubeConfig, kind: ResourceKind<T>, options: ResourceWatchOptions = {}) {
    this.#kubeConfig = kubeConfig;
    this.#kind = kind;
    this.#logger = (options.logger ?? nullLogger).child({ resource: kind.name });
    this.#backoff = new ExponentialBackoff({ minMs: 100, maxMs: 30_000, ...options.backoff });
    this.#metrics = options.metrics;
    this.#pageSize = options.pageSize ?? LIST_PAGE_SIZE;
  }

  /** The kind watched. */
  get kind(): ResourceKind<T> {
    return this.#kind;
  }

  /** True once the first list has been applied (and while the watch is running). */
  get synced(): boolean {
    return this.#synced;
  }

  /** The cached object, or undefined. */
  get(name: string, namespace?: string): T | undefined {
    return this.#informer?.get(name, namespace);
  }

  /** The cached objects, of one namespace or all. */
  list(namespace?: string): T[] {
    return [...(this.#informer?.list(namespace) ?? [])];
  }

  /** Events of this kind; see {@link ResourceEvent}. */
  events(): Observable<ResourceEvent<T>> {
    return new Observable<ResourceEvent<T>>((subscriber) => {
      // Replay what is known, so late subscribers see the same state as early ones.
      if (this.#informer !== undefined) {
        for (const object of this.#informer.list()) subscriber.next({ type: 'added', object });
        if (this.#synced) subscriber.next({ type: 'synced' });
      }
      const sub = this.#events.subscribe(subscriber);
      if (++this.#subscribers === 1) this.#start();
      return () => {
        sub.unsubscribe();
        if (--this.#subscribers === 0) this.#stop();
      };
    });
  }

  #start(): void {
    const generation = ++this.#generation;
    const informer = makeInformer(
      this.#kubeConfig,
      this.#kind.path,
      pagedList(this.#kind, this.#kubeConfig, this.#pageSize),
    );
    this.#informer = informer;
    const live = () => generation === this.#generation;
    const trim = this.#kind.trim?.bind(this.#kind);
    informer.on('add', (object) => {
      trim?.(object);
      if (live()) this.#events.next({ type: 'added', object });
    });
    informer.on('update', (object) => {
      trim?.(object);
      if (live()) this.#events.next({ type: 'modified', object });
    });
    informer.on('delete', (object) => {
      trim?.(object);
      if (live()) this.#events.next({ type: 'deleted', object });
    });
    informer.on('error', (err: unknown) => {
      if (live()) this.#failed(err);
    });
    this.#running = true;
    void this.#run(generation);
  }

  async #run(generation: number): Promise<void> {
    const informer = this.#informer;
    if (informer === undefined || generation !== this.#generation) return;
    const errorsBefore = this.#errors;
    try {
      await informer.start();
    } catch (err) {
      this.#failed(err);
      return;
    }
    // A failed list reports through the error callback and still resolves `start()`.
    if (generation !== this.#generation || this.#errors !== errorsBefore) return;
    this.#backoff.reset();
    if (!this.#synced) {
      this.#synced = true;
      this.#logger.debug('resource watch synced');
      this.#events.next({ type: 'synced' });
    }
  }

  #failed(err: unknown): void {
    this.#errors++;
    this.#metrics?.recordFailure(this.#kind.name);
    if (!this.#running || this.#timer !== undefined) return;
    if (!this.#synced && statusOf(err) === 404) {
      // The kind is not served (e.g. Linkerd's CRDs are not installed): it is empty until it is.
      this.#synced = true;
      this.#logger.warn(`${this.#kind.name} are not served by the API server; treating them as none`);
      this.#events.next({ type: 'synced' });
    }
    const delay = this.#backoff.next();
    this.#logger.warn(
      { err: describe(err), retryInMs: Math.round(delay) },
      `watch of ${this.#kind.name} failed; restarting`,
    );
    const generation = this.#generation;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running || generation !== this.#generation) return;
      this.#metrics?.recordRestart(this.#kind.name);
      void this.#run(generation);
    }, delay);
    this.#timer.unref();
  }

  #stop(): void {
    this.#running = false;
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const informer = this.#informer;
    this.#informer = undefined;
    this.#synced = false;
    void informer?.stop();
  }
}
