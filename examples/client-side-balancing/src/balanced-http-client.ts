import { type BalancedEndpoint, Balancer } from '@skein/core';
import { DestinationClient, type DiscoveredEndpoint } from '@skein/discovery';
import { Pool } from 'undici';

/** Options of {@link BalancedHttpClient}. */
export interface BalancedHttpClientOptions {
  /** The destination service, `host:port` (Linkerd's `linkerd-dst-headless.linkerd.svc:8086`). */
  readonly destination: string;
  /** The service to call as discovery names it, e.g. `web.shop.svc.cluster.local:80`. */
  readonly authority: string;
  /** Who is asking (Linkerd's context token, e.g. `{"ns":"shop"}`); optional. */
  readonly contextToken?: string;
  /** A registered balancer strategy; default `p2c-peak-ewma`, as linkerd2-proxy. */
  readonly strategy?: string;
}

/** A response, with the endpoint that served it. */
export interface BalancedResponse {
  readonly status: number;
  readonly body: string;
  /** `ip:port` of the endpoint the balancer picked. */
  readonly endpoint: string;
}

/** One endpoint: an undici connection pool, closed when the endpoint leaves the set. */
class PoolEndpoint implements BalancedEndpoint {
  readonly address: string;
  readonly pool: Pool;

  constructor(endpoint: DiscoveredEndpoint) {
    this.address = endpoint.address;
    this.pool = new Pool(`http://${endpoint.address}`, { connections: 16 });
  }

  close(): void {
    this.pool.close().catch(() => {});
  }
}

/**
 * Client-side load balancing without a sidecar: endpoints come from the Destination API
 * (`Get`, a stream of adds and removes), a P2C + peak-EWMA balancer picks one per request, and
 * undici sends it. When the service's endpoints change, the balancer follows: new endpoints get
 * a pool, departed ones are closed, and requests in between wait (bounded) rather than fail.
 */
export class BalancedHttpClient {
  readonly #authority: string;
  readonly #discovery: DestinationClient;
  readonly #balancer: Balancer<DiscoveredEndpoint, PoolEndpoint>;

  constructor(options: BalancedHttpClientOptions) {
    this.#authority = options.authority;
    this.#discovery = new DestinationClient({
      address: options.destination,
      ...(options.contextToken === undefined ? {} : { contextToken: options.contextToken }),
    });
    this.#balancer = new Balancer<DiscoveredEndpoint, PoolEndpoint>({
      updates: this.#discovery.endpoints(options.authority),
      key: (e) => e.address,
      weight: (e) => e.weight,
      connect: (e) => new PoolEndpoint(e),
      strategy: options.strategy ?? 'p2c-peak-ewma',
      name: options.authority,
    });
  }

  /** The endpoints the balancer holds now (`ip:port`). */
  endpoints(): string[] {
    return this.#balancer.keys();
  }

  /** GETs `path` from one of the service's endpoints. */
  get(path: string): Promise<BalancedResponse> {
    return this.#balancer.call(path, async (endpoint, p) => {
      const res = await endpoint.pool.request({ method: 'GET', path: p, headers: { host: this.#authority } });
      return { status: res.statusCode, body: await res.body.text(), endpoint: endpoint.address };
    });
  }

  /** Stops watching discovery and closes every pool. */
  close(): void {
    this.#balancer.close();
    this.#discovery.close();
  }
}
