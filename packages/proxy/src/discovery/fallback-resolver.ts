import type { EndpointUpdate } from '@skein/core';
import type { DiscoveredEndpoint } from '@skein/discovery/model';
import { Observable, type Subscription } from 'rxjs';
import type { Resolver, ResolveTarget } from './resolver.js';

/**
 * Uses `primary` while it knows the name and `fallback` while it says `doesNotExist` — the
 * Destination API's contract (`no_endpoints{exists:false}` → fall back to DNS). Switching sends
 * the fallback's state as a fresh `reset`, so the balancer never mixes the two.
 */
export class FallbackResolver implements Resolver {
  readonly #primary: Resolver;
  readonly #fallback: Resolver;

  constructor(primary: Resolver, fallback: Resolver) {
    this.#primary = primary;
    this.#fallback = fallback;
  }

  resolve(target: ResolveTarget): Observable<EndpointUpdate<DiscoveredEndpoint>> {
    return new Observable((subscriber) => {
      let fallbackSub: Subscription | undefined;
      const stopFallback = () => {
        fallbackSub?.unsubscribe();
        fallbackSub = undefined;
      };
      const primarySub = this.#primary.resolve(target).subscribe({
        next: (update) => {
          if (update.type === 'doesNotExist') {
            if (fallbackSub === undefined) {
              fallbackSub = this.#fallback.resolve(target).subscribe({
                next: (u) => subscriber.next(u),
                error: (e: unknown) => subscriber.error(e),
              });
            }
            return;
          }
          if (fallbackSub !== undefined) {
            stopFallback();
            // The balancer held the fallback's endpoints: replace them wholesale.
            if (update.type !== 'reset') {
              subscriber.next({ type: 'reset', endpoints: [] });
            }
          }
          subscriber.next(update);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        primarySub.unsubscribe();
        stopFallback();
      };
    });
  }
}
