import { Balancer, type EndpointUpdate } from '@skein/core';
import type { DiscoveredEndpoint } from '@skein/discovery/model';
import type { Observable } from 'rxjs';
import { failExchange } from '../http/fail.js';
import { ForwardingHandler } from '../http/forwarding-handler.js';
import type { Dispatcher, HttpRequest, ResponseHandler } from '../http/types.js';
import type { HttpEndpoint } from './http-endpoint.js';

/** Options for {@link BalancedTarget}. */
export interface BalancedTargetOptions {
  /** The logical authority (`host:port`), for errors and metrics. */
  authority: string;
  /** Endpoint updates from the resolver. */
  updates: Observable<EndpointUpdate<DiscoveredEndpoint>>;
  /** Builds the endpoint stack for a discovered endpoint. */
  connect: (endpoint: DiscoveredEndpoint, readyChanged: () => void) => HttpEndpoint;
  /** Queue capacity (linkerd2-proxy outbound HTTP: 10,000). */
  queueCapacity: number;
  /** Failfast timeout in ms (outbound HTTP: 3 s). */
  failfastTimeoutMs: number;
  /** Balancer strategy name (default `p2c-peak-ewma`). */
  strategy?: string;
}

/**
 * A logical target (an authority) served by a balancer over its discovered endpoints, with the
 * queue and failfast in front. Built once per target and cached; counts requests in flight so
 * the cache never evicts a busy target.
 */
export class BalancedTarget implements Dispatcher {
  readonly authority: string;
  readonly balancer: Balancer<DiscoveredEndpoint, HttpEndpoint>;
  #inFlight = 0;

  constructor(options: BalancedTargetOptions) {
    this.authority = options.authority;
    this.balancer = new Balancer<DiscoveredEndpoint, HttpEndpoint>({
      updates: options.updates,
      key: (e) => e.address,
      weight: (e) => e.weight,
      connect: (e, ctx) => options.connect(e, () => ctx.readyChanged()),
      strategy: options.strategy ?? 'p2c-peak-ewma',
      queue: { capacity: options.queueCapacity, failfastTimeoutMs: options.failfastTimeoutMs },
      name: options.authority,
    });
  }

  /** Requests in flight through this target. */
  get inFlight(): number {
    return this.#inFlight;
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const balancer = this.balancer;
    let wait: Promise<void> | undefined;
    try {
      wait = balancer.acquire();
    } catch (err) {
      failExchange(handler, err as Error);
      return;
    }
    this.#inFlight++;
    const tracked = new InFlight(handler, this);
    if (wait === undefined) {
      this.#send(request, tracked);
      return;
    }
    wait.then(
      () => this.#send(request, tracked),
      (err: Error) => failExchange(tracked, err),
    );
  }

  /**
   * Opens an opaque connection to a balanced endpoint (TCP forwarding and CONNECT tunnels), going
   * through the same queue and failfast as requests.
   */
  async openOpaque(): Promise<import('node:net').Socket> {
    const wait = this.balancer.acquire();
    if (wait !== undefined) await wait;
    const picked = this.balancer.pick();
    if (picked === undefined) return this.openOpaque();
    try {
      const socket = await picked.endpoint.openOpaque();
      picked.done(true);
      return socket;
    } catch (err) {
      picked.done(false);
      throw err;
    }
  }

  /** Internal: a request finished. */
  done(): void {
    this.#inFlight--;
  }

  close(): void {
    this.balancer.close();
  }

  #send(request: HttpRequest, handler: ResponseHandler): void {
    const picked = this.balancer.pick();
    if (picked === undefined) {
      // Readiness changed between admission and dispatch: queue again.
      this.#inFlight--;
      (handler as InFlight).detach();
      this.dispatch(request, (handler as InFlight).inner);
      return;
    }
    picked.endpoint.dispatch(request, handler, picked);
  }
}

/** Decrements the target's in-flight count exactly once when the exchange ends. */
class InFlight extends ForwardingHandler {
  readonly #target: BalancedTarget;

  constructor(inner: ResponseHandler, target: BalancedTarget) {
    super(inner);
    this.#target = target;
  }

  /** The request goes back through the queue: this wrapper will not see its end. */
  detach(): void {
    this.cancelFinish();
  }

  protected finish(): void {
    this.#target.done();
  }
}
