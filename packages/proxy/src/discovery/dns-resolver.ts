import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { EndpointUpdate } from '@skein/core';
import { type DiscoveredEndpoint, endpointAddress } from '@skein/discovery/model';
import { Observable } from 'rxjs';
import type { Resolver, ResolveTarget } from './resolver.js';

/** Options for {@link DnsResolver}. */
export interface DnsResolverOptions {
  /** How often a name is looked up again, in ms (default 5 s). */
  refreshMs?: number;
  /** Looks a host up; defaults to `dns.lookup` with `all: true` (honours /etc/hosts). */
  lookup?: (host: string) => Promise<string[]>;
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * Resolves an authority by DNS: an IP literal is itself; a name is looked up and refreshed
 * periodically, sending a `reset` whenever the address list changes. A name that does not
 * exist gives `doesNotExist`; a transient failure keeps the last answer.
 */
export class DnsResolver implements Resolver {
  readonly #refreshMs: number;
  readonly #lookup: (host: string) => Promise<string[]>;

  constructor(options: DnsResolverOptions = {}) {
    this.#refreshMs = options.refreshMs ?? 5_000;
    this.#lookup =
      options.lookup ??
      (async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address));
  }

  resolve(target: ResolveTarget): Observable<EndpointUpdate<DiscoveredEndpoint>> {
    return new Observable((subscriber) => {
      if (isIP(target.host) !== 0) {
        subscriber.next({ type: 'reset', endpoints: [endpoint(target.host, target.port)] });
        return undefined;
      }
      let last = '';
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const tick = async () => {
        try {
          const ips = [...new Set(await this.#lookup(target.host))].sort();
          const key = ips.join(',');
          if (!stopped && key !== last) {
            last = key;
            subscriber.next({ type: 'reset', endpoints: ips.map((ip) => endpoint(ip, target.port)) });
          }
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (!stopped && code !== undefined && NOT_FOUND.has(code) && last !== '!') {
            last = '!';
            subscriber.next({ type: 'doesNotExist' });
          }
        }
        if (!stopped) {
          timer = setTimeout(tick, this.#refreshMs);
          timer.unref();
        }
      };
      void tick();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    });
  }
}

function endpoint(ip: string, port: number): DiscoveredEndpoint {
  return { address: endpointAddress(ip, port), ip, port, weight: 10_000, labels: {} };
}
