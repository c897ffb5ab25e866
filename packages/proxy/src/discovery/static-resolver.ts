import type { EndpointUpdate } from '@skein/core';
import type { DiscoveredEndpoint, StaticDiscovery } from '@skein/discovery/model';
import { BehaviorSubject, distinctUntilChanged, map, type Observable } from 'rxjs';
import type { Resolver, ResolveTarget } from './resolver.js';

/**
 * Resolves from a static discovery file (`SKEIN_PROXY_DISCOVERY_FILE`). Authorities the file does
 * not name resolve to `doesNotExist`, so a fallback (DNS) can take over. Calling
 * {@link StaticResolver.update} with a reloaded file pushes the new sets to every subscriber.
 */
export class StaticResolver implements Resolver {
  readonly #state: BehaviorSubject<StaticDiscovery>;

  constructor(discovery: StaticDiscovery) {
    this.#state = new BehaviorSubject(discovery);
  }

  /** Replaces the discovery data (after the file changed). */
  update(discovery: StaticDiscovery): void {
    this.#state.next(discovery);
  }

  resolve(target: ResolveTarget): Observable<EndpointUpdate<DiscoveredEndpoint>> {
    return this.#state.pipe(
      map((d) => d.authorities.get(target.authority)?.endpoints),
      distinctUntilChanged(),
      map(
        (endpoints): EndpointUpdate<DiscoveredEndpoint> =>
          endpoints === undefined ? { type: 'doesNotExist' } : { type: 'reset', endpoints },
      ),
    );
  }
}
