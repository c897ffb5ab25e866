import { HttpTargetMetrics, IdleCache, inboundEndpointLabels, type LegacyMetrics } from '@skein/core';
import { endpointAddress } from '@skein/discovery/model';
import { LoopError } from '../errors/proxy-errors.js';
import { failExchange } from '../http/fail.js';
import { ForwardingHandler } from '../http/forwarding-handler.js';
import { removeHeader } from '../http/headers.js';
import type { Dispatcher, HttpRequest, ResponseHandler } from '../http/types.js';
import { Http1Pool } from '../http1/client-pool.js';
import { HttpParseError } from '../http1/parse-error.js';
import type { ClosableDispatcher } from '../outbound/http-endpoint.js';
import { MeteredExchange } from '../outbound/metered-exchange.js';
import type { ConnectionTls } from '../transport/connection-info.js';
import { tcpConnector } from '../transport/connector.js';

/** Options for {@link InboundHttpRouter}. */
export interface InboundHttpRouterOptions {
  /** `INBOUND_CONNECT_TIMEOUT` in ms. */
  connectTimeoutMs: number;
  /** `INBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT`. */
  poolIdleTimeoutMs: number;
  /** Idle connections kept per local port. */
  maxIdlePerEndpoint: number;
  /** `INBOUND_DISCOVERY_IDLE_TIMEOUT`: per-port stacks unused this long are dropped. */
  idleTimeoutMs: number;
  /** Ports the proxy itself listens on: forwarding to them would loop. */
  ownPorts: ReadonlySet<number>;
  /** Legacy metrics, when exported. */
  metrics?: LegacyMetrics;
  /** Whether the `authority` label is added (`INBOUND_METRICS_AUTHORITY_LABELS=unsafe`). */
  authorityLabels?: boolean;
  /** The policy server of a port, for the `srv_*` labels (default: Linkerd's default policy). */
  serverFor?: (port: number) => { group: string; kind: string; name: string };
  /** Builds the HTTP/2 pool for a local target (HTTP/2 requests to the app). */
  http2?: (host: string, port: number) => ClosableDispatcher;
}

interface LocalTarget {
  http1: Http1Pool;
  http2: ClosableDispatcher | undefined;
  metrics: Map<string, HttpTargetMetrics>;
  inFlight: number;
}

/**
 * The inbound HTTP router: sends each request to the application on the connection's original
 * destination (`ip:port`), through a per-port connection pool. Identity headers are enforced
 * here: `l5d-client-id` is set from a verified mTLS client identity and stripped otherwise, so
 * no peer can spoof it; other `l5d-*` routing headers from remote peers are removed.
 */
export class InboundHttpRouter implements Dispatcher {
  readonly #opts: InboundHttpRouterOptions;
  readonly #targets: IdleCache<string, LocalTarget>;

  constructor(options: InboundHttpRouterOptions) {
    this.#opts = options;
    this.#targets = new IdleCache<string, LocalTarget>({
      key: (k) => k,
      build: (key) => this.#build(key),
      idleMs: options.idleTimeoutMs,
      isBusy: (t) => t.inFlight > 0,
      onEvict: (t) => {
        t.http1.close();
        t.http2?.close();
      },
    });
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const dst = request.connection.originalDst;
    if (dst === undefined) {
      failExchange(handler, new HttpParseError(400, 'inbound connection without an original destination'));
      return;
    }
    if (this.#opts.ownPorts.has(dst.port)) {
      failExchange(handler, new LoopError(`inbound request to proxy port ${dst.port} would loop`));
      return;
    }
    applyIdentityHeaders(request);
    const key = endpointAddress(dst.ip, dst.port);
    const target = this.#targets.get(key);
    const metrics = this.#metricsFor(target, request);
    target.inFlight++;
    const exchange = new MeteredExchange(new Release(handler, target), request, metrics, undefined);
    if (request.version === 20 && request.upgrade === undefined && this.#opts.http2 !== undefined) {
      target.http2 ??= this.#opts.http2(dst.ip, dst.port);
      target.http2.dispatch(request, exchange);
      return;
    }
    target.http1.dispatch(request, exchange);
  }

  /** Closes every local connection pool. */
  close(): void {
    this.#targets.clear();
  }

  #build(key: string): LocalTarget {
    const colon = key.lastIndexOf(':');
    const host = key.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(key.slice(colon + 1));
    return {
      http1: new Http1Pool({
        connect: tcpConnector({ host, port, timeoutMs: this.#opts.connectTimeoutMs }),
        idleTimeoutMs: this.#opts.poolIdleTimeoutMs,
        maxIdle: this.#opts.maxIdlePerEndpoint,
        defaultHost: key,
      }),
      http2: undefined,
      metrics: new Map(),
      inFlight: 0,
    };
  }

  #metricsFor(target: LocalTarget, request: HttpRequest): HttpTargetMetrics | undefined {
    const legacy = this.#opts.metrics;
    if (legacy === undefined) return undefined;
    const tls = request.connection.tls;
    const authority = this.#opts.authorityLabels === true ? request.authority : undefined;
    const dst = request.connection.originalDst!;
    const server = this.#opts.serverFor?.(dst.port) ?? DEFAULT_SERVER;
    const key = `${tlsKey(tls)}|${authority ?? ''}|${server.kind}/${server.name}`;
    let m = target.metrics.get(key);
    if (m === undefined) {
      m = new HttpTargetMetrics(
        legacy.http,
        inboundEndpointLabels({
          ...(authority === undefined ? {} : { authority }),
          target: { ip: dst.ip, port: dst.port },
          tls: inboundTlsLabels(tls),
          server: { ...server, port: dst.port },
        }),
      );
      if (target.metrics.size < 1024) target.metrics.set(key, m);
    }
    return m;
  }
}

const DEFAULT_SERVER = { group: '', kind: 'default', name: 'all-unauthenticated' };

/** Sets `l5d-client-id` from a verified peer identity; strips it (and spoofable `l5d-*`) otherwise. */
export function applyIdentityHeaders(request: HttpRequest): void {
  const tls = request.connection.tls;
  removeHeader(request.headers, 'l5d-client-id');
  if (tls.kind === 'mtls' && tls.clientId !== undefined) {
    request.headers.push('l5d-client-id', tls.clientId);
    return;
  }
  // Requests from unmeshed peers may not steer the proxy or pose as a proxy.
  removeHeader(request.headers, 'l5d-orig-proto');
  removeHeader(request.headers, 'l5d-proxy-error');
}

/** The `tls`/`no_tls_reason` labels for an inbound connection. */
export function inboundTlsLabels(
  tls: ConnectionTls,
):
  | { tls: 'true'; clientId: string }
  | { tls: 'opaque'; sni: string }
  | { tls: 'no_identity'; reason: string }
  | { tls: 'disabled' } {
  switch (tls.kind) {
    case 'mtls':
      return tls.clientId === undefined
        ? { tls: 'no_identity', reason: 'no_tls_from_remote' }
        : { tls: 'true', clientId: tls.clientId };
    case 'opaque':
      return { tls: 'opaque', sni: tls.sni };
    case 'none':
      return tls.reason === 'disabled' ? { tls: 'disabled' } : { tls: 'no_identity', reason: tls.reason };
  }
}

function tlsKey(tls: ConnectionTls): string {
  switch (tls.kind) {
    case 'mtls':
      return `m:${tls.clientId ?? ''}`;
    case 'opaque':
      return `o:${tls.sni}`;
    case 'none':
      return `n:${tls.reason}`;
  }
}

/** Decrements the local target's in-flight count when the exchange ends. */
class Release extends ForwardingHandler {
  readonly #target: LocalTarget;

  constructor(inner: ResponseHandler, target: LocalTarget) {
    super(inner);
    this.#target = target;
  }

  protected finish(): void {
    this.#target.inFlight--;
  }
}
