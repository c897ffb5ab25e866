import type { Socket } from 'node:net';
import type { HttpTargetMetrics, Picked } from '@skein/core';
import type { DiscoveredEndpoint } from '@skein/discovery/model';
import { IdentityRequiredError } from '../errors/proxy-errors.js';
import { failExchange } from '../http/fail.js';
import { ForwardingHandler } from '../http/forwarding-handler.js';
import { getHeader, removeHeader } from '../http/headers.js';
import { markOrigProto, OrigProtoResponse } from '../http/orig-proto.js';
import type { Dispatcher, HttpRequest, ResponseHandler, ResponseHead } from '../http/types.js';
import type { Connector } from '../transport/connector.js';
import { MeteredExchange } from './metered-exchange.js';

/** A dispatcher that can be closed (a connection pool). */
export interface ClosableDispatcher extends Dispatcher {
  /** Lets exchanges in flight finish, then closes (new exchanges fail). */
  drain(): void;
  /** Closes every connection. */
  close(): void;
}

/** Options for {@link HttpEndpoint}. */
export interface HttpEndpointOptions {
  /** The endpoint as discovered. */
  endpoint: DiscoveredEndpoint;
  /** Metrics of this endpoint under its target, built once. */
  metrics?: HttpTargetMetrics;
  /** HTTP/1 pool for HTTP/1 requests. */
  http1: ClosableDispatcher;
  /** Builds the HTTP/2 pool on first use (HTTP/2 requests, and HTTP/1 to `h2`-hinted peers). */
  http2?: () => ClosableDispatcher;
  /** Whether the endpoint can take requests (false while reconnecting after a failure). */
  isReady?: () => boolean;
  /** Interceptors applied to every request to this endpoint (e.g. `l5d-orig-proto`, TLS labels). */
  intercept?: (req: HttpRequest) => void;
  /** Opens an opaque (TCP) connection to the endpoint: for CONNECT tunnels and opaque traffic. */
  opaque?: Connector;
}

/**
 * One endpoint of a balanced target: it counts the request, picks the HTTP/1 or HTTP/2 pool, and
 * reports the outcome to the balancer and the endpoint's metrics.
 */
export class HttpEndpoint {
  readonly endpoint: DiscoveredEndpoint;
  readonly #opts: HttpEndpointOptions;
  #http2: ClosableDispatcher | undefined;

  constructor(options: HttpEndpointOptions) {
    this.endpoint = options.endpoint;
    this.#opts = options;
  }

  isReady(): boolean {
    return this.#opts.isReady === undefined || this.#opts.isReady();
  }

  /** Sends one request; `picked` is the balancer's handle for this endpoint, if balanced. */
  dispatch(request: HttpRequest, handler: ResponseHandler, picked?: Picked<unknown>): void {
    this.#opts.intercept?.(request);
    const tap = request.tap;
    if (tap !== undefined) {
      const e = this.endpoint;
      tap.destination = { ip: e.ip, port: e.port };
      tap.destinationLabels = e.labels;
      tap.tls = e.identity === undefined ? 'no_identity' : 'true';
      const announce = request.tapEndpoint;
      if (announce !== undefined) {
        request.tapEndpoint = undefined;
        announce();
      }
    }
    const required = getHeader(request.headers, 'l5d-require-id');
    if (required !== undefined) {
      // The client asked for a specific peer identity (consumed here, never forwarded).
      removeHeader(request.headers, 'l5d-require-id');
      if (required !== this.endpoint.identity?.name) {
        picked?.done(false);
        failExchange(handler, new IdentityRequiredError(required, this.endpoint.identity?.name));
        return;
      }
    }
    const exchange = new MeteredExchange(new RemoteHeaders(handler), request, this.#opts.metrics, picked);
    const useH2 =
      this.#opts.http2 !== undefined && (request.version === 20 || this.endpoint.protocolHint === 'h2');
    if (useH2 && request.upgrade === undefined && request.method !== 'CONNECT') {
      this.#http2 ??= this.#opts.http2!();
      if (request.version !== 20) {
        // HTTP/1 to a meshed HTTP/2 peer: carried over HTTP/2 and restored by the peer.
        markOrigProto(request);
        this.#http2.dispatch(request, new OrigProtoResponse(exchange));
        return;
      }
      this.#http2.dispatch(request, exchange);
      return;
    }
    this.#opts.http1.dispatch(request, exchange);
  }

  /** Opens an opaque connection to the endpoint (mTLS and transport header when meshed). */
  openOpaque(): Promise<Socket> {
    const opaque = this.#opts.opaque;
    if (opaque === undefined)
      return Promise.reject(new Error(`${this.endpoint.address}: opaque connections not supported`));
    return opaque();
  }

  /**
   * The endpoint left the balancer (removed from discovery, or replaced by a changed
   * descriptor): requests in flight finish on their connections, which then close, as
   * linkerd2-proxy lets a removed endpoint's responses complete.
   */
  close(): void {
    this.#opts.http1.drain();
    this.#http2?.drain();
  }
}

/**
 * Response rules for what comes back from a peer: its `l5d-proxy-error` never reaches the
 * application, and `l5d-proxy-connection: close` is turned into closing the client connection.
 */
class RemoteHeaders extends ForwardingHandler {
  protected finish(): void {}

  override onHead(head: ResponseHead): void {
    removeHeader(head.headers, 'l5d-proxy-error');
    if (removeHeader(head.headers, 'l5d-proxy-connection') > 0) head.close = true;
    super.onHead(head);
  }
}
