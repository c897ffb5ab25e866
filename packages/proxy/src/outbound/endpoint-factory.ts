import { HttpTargetMetrics, type LegacyMetrics, outboundEndpointLabels } from '@skein/core';
import type { DiscoveredEndpoint } from '@skein/discovery/model';
import { Http1Pool } from '../http1/client-pool.js';
import type { Connector } from '../transport/connector.js';
import type { BackoffPolicy } from '../transport/connector-backoff.js';
import { ReconnectBackoff, withReconnectBackoff } from '../transport/connector-backoff.js';
import { type ClosableDispatcher, HttpEndpoint } from './http-endpoint.js';

/** How endpoint connections are made, per endpoint. */
export interface EndpointConnectors {
  /** A connector for plain HTTP/1 connections to the endpoint. */
  http1(endpoint: DiscoveredEndpoint): Connector;
  /** Builds the HTTP/2 pool of an endpoint (absent: HTTP/2 requests use HTTP/1). */
  http2?(endpoint: DiscoveredEndpoint, connect: Connector): ClosableDispatcher;
  /** The connector for HTTP/2 (defaults to `http1`'s). */
  http2Connector?(endpoint: DiscoveredEndpoint): Connector;
  /** The connector for opaque TCP (defaults to `http1`'s). */
  opaqueConnector?(endpoint: DiscoveredEndpoint): Connector;
  /** The `tls`/`server_id`/`no_tls_reason` labels for an endpoint. */
  tlsLabels(
    endpoint: DiscoveredEndpoint,
  ): { tls: 'true'; serverId: string } | { tls: 'no_identity'; reason: string };
}

/** Options for {@link outboundEndpointFactory}. */
export interface OutboundEndpointFactoryOptions {
  /** Connection makers. */
  connectors: EndpointConnectors;
  /** Reconnect backoff after a failed connect. */
  backoff: BackoffPolicy;
  /** Legacy metrics; endpoint label sets are built once here. */
  metrics?: LegacyMetrics;
  /** HTTP/1 pool settings. */
  pool: { idleTimeoutMs: number; maxIdle: number };
}

/**
 * Builds the stack of one endpoint of an outbound target: reconnect backoff (which drives the
 * endpoint's readiness in the balancer), the HTTP/1 pool, the lazily built HTTP/2 pool, and the
 * endpoint's metrics with Linkerd's outbound label set (built once, not per request).
 */
export function outboundEndpointFactory(
  options: OutboundEndpointFactoryOptions,
): (authority: string, endpoint: DiscoveredEndpoint, readyChanged: () => void) => HttpEndpoint {
  return (authority, endpoint, readyChanged) => {
    const backoff = new ReconnectBackoff(options.backoff);
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    // Timers may fire a little early: re-check and re-arm until the backoff has really
    // elapsed, or the balancer never hears that the endpoint is ready again.
    const wake = (): void => {
      if (closed) return;
      if (!backoff.isReady()) {
        timer = setTimeout(wake, backoff.readyInMs() + 1);
        timer.unref();
        return;
      }
      readyChanged();
    };
    const watch = (connect: Connector): Connector => {
      const guarded = withReconnectBackoff(connect, backoff);
      return async () => {
        try {
          return await guarded();
        } catch (err) {
          if (!backoff.isReady()) {
            // Not ready now; tell the balancer, and again when the backoff has elapsed.
            readyChanged();
            clearTimeout(timer);
            timer = setTimeout(wake, backoff.readyInMs() + 1);
            timer.unref();
          }
          throw err;
        }
      };
    };
    const h1Connect = watch(options.connectors.http1(endpoint));
    const metrics =
      options.metrics === undefined
        ? undefined
        : new HttpTargetMetrics(
            options.metrics.http,
            outboundEndpointLabels({
              authority,
              target: { ip: endpoint.ip, port: endpoint.port },
              tls: options.connectors.tlsLabels(endpoint),
              dst: endpoint.labels,
            }),
          );
    const http2 = options.connectors.http2;
    const http2Connector = options.connectors.http2Connector;
    const h1 = new Http1Pool({
      connect: h1Connect,
      idleTimeoutMs: options.pool.idleTimeoutMs,
      maxIdle: options.pool.maxIdle,
      defaultHost: authority,
    });
    return new HttpEndpoint({
      endpoint,
      ...(metrics === undefined ? {} : { metrics }),
      http1: {
        dispatch: (req, handler) => h1.dispatch(req, handler),
        drain: () => {
          closed = true;
          clearTimeout(timer);
          h1.drain();
        },
        close: () => {
          closed = true;
          clearTimeout(timer);
          h1.close();
        },
      },
      ...(http2 === undefined
        ? {}
        : {
            http2: () =>
              http2(endpoint, http2Connector === undefined ? h1Connect : watch(http2Connector(endpoint))),
          }),
      isReady: () => backoff.isReady(),
      opaque:
        options.connectors.opaqueConnector === undefined
          ? h1Connect
          : watch(options.connectors.opaqueConnector(endpoint)),
    });
  };
}
