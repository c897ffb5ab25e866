import { Observable } from 'rxjs';
import type { Interest } from './interest-router.js';
import type { Computed } from './service-endpoints.js';

/**
 * An Observable of `compute()`: computed once the caches are ready, then again after every batch
 * of changes to the keys the last computation named (so a view follows exactly what it read).
 */
export function computedView<S>(
  ready: () => Promise<void>,
  register: (callback: () => void) => Interest,
  compute: () => Computed<S>,
): Observable<S> {
  return new Observable<S>((subscriber) => {
    let closed = false;
    const run = () => {
      if (closed) return;
      try {
        const { snapshot, keys } = compute();
        interest.setKeys(keys);
        subscriber.next(snapshot);
      } catch (err) {
        subscriber.error(err);
      }
    };
    const interest = register(run);
    ready().then(run, (err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      interest.close();
    };
  });
}
