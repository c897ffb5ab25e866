import type { TapObserver, TapRequest, TapStreamObserver } from './tap-events.js';

/**
 * The meeting point between a proxy's data path and tap subscribers. The proxy checks
 * {@link TapHub.active} per request — a field read — and only builds tap events when someone is
 * listening, so tapping costs nothing while nobody taps. Observers must be fast: they run on the
 * request path (the Tap.Observe server buffers and drops rather than block).
 */
export class TapHub {
  #observers: readonly TapObserver[] = [];

  /** Whether any observer is subscribed. */
  get active(): boolean {
    return this.#observers.length > 0;
  }

  /** Number of subscribed observers. */
  get observers(): number {
    return this.#observers.length;
  }

  /** Subscribes an observer; returns a function that unsubscribes it. */
  subscribe(observer: TapObserver): () => void {
    this.#observers = [...this.#observers, observer];
    return () => {
      this.#observers = this.#observers.filter((o) => o !== observer);
    };
  }

  /**
   * Offers a request head to every observer; returns the observers that follow it (undefined
   * when none does). Observer errors are contained: a broken observer is unsubscribed.
   */
  request(request: TapRequest): TapStreamObserver[] | undefined {
    let out: TapStreamObserver[] | undefined;
    for (const observer of this.#observers) {
      let stream: TapStreamObserver | undefined;
      try {
        stream = observer.onRequest(request);
      } catch {
        this.#observers = this.#observers.filter((o) => o !== observer);
        continue;
      }
      if (stream === undefined) continue;
      out ??= [];
      out.push(stream);
    }
    return out;
  }
}
