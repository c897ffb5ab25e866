import { ReadyQueue } from './ready-queue.js';
import type { Layer, Service } from './service.js';

/** Something whose readiness can be asked and watched. */
export interface Readiness {
  /** Whether a request can be served now. */
  isReady(): boolean;
  /** Calls `listener` whenever readiness may have changed; returns a function that unsubscribes. */
  onReadyChange(listener: () => void): () => void;
}

/** Options for {@link failfast}. */
export interface FailfastOptions {
  /** The readiness of the inner service. */
  readiness: Readiness;
  /** How long requests wait for readiness before failing fast, in ms. */
  timeoutMs: number;
  /** Most requests that may wait (default 10,000, linkerd2-proxy's queue capacity). */
  capacity?: number;
  /** Receives the queue, e.g. to export its counters as metrics. */
  onQueue?: (queue: ReadyQueue) => void;
}

/**
 * A failfast gate: requests wait (bounded) while the inner service is not ready; after
 * `timeoutMs` without readiness they fail with `FailfastError` and later requests fail at once,
 * until the service is ready again.
 */
export function failfast<Req, Res>(options: FailfastOptions): Layer<Req, Res> {
  return (inner: Service<Req, Res>): Service<Req, Res> => {
    const queue = new ReadyQueue({
      isReady: () => options.readiness.isReady(),
      capacity: options.capacity ?? 10_000,
      failfastTimeoutMs: options.timeoutMs,
    });
    options.readiness.onReadyChange(() => queue.notify());
    options.onQueue?.(queue);
    return (req) => {
      let wait: Promise<void> | undefined;
      try {
        wait = queue.acquire();
      } catch (err) {
        return Promise.reject(err);
      }
      return wait === undefined ? inner(req) : wait.then(() => inner(req));
    };
  };
}
