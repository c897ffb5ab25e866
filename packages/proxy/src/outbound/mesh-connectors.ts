import { isIP, type Socket } from 'node:net';
import { SkeinError } from '@skein/core';
import type { SessionProtocolName } from '@skein/core/proto';
import type { DiscoveredEndpoint } from '@skein/discovery/model';
import type { ProxyIdentity } from '../identity/proxy-identity.js';
import { TRANSPORT_ALPN } from '../inbound/mesh-tls.js';
import { type Connector, tcpConnector } from '../transport/connector.js';
import { transportHeaderCodec } from '../transport/transport-header.js';

/** Options for {@link meshConnector}. */
export interface MeshConnectOptions {
  /** The endpoint. */
  endpoint: DiscoveredEndpoint;
  /** This proxy's identity; without it meshed endpoints are reached in plaintext. */
  identity: ProxyIdentity | undefined;
  /** Connect timeout in ms. */
  timeoutMs: number;
  /** TCP keepalive. */
  keepAliveMs?: number;
  /** Local IP to connect from. */
  localAddress?: string;
  /** The session protocol to announce in a transport header (HTTP/1, HTTP/2, or opaque). */
  session: SessionProtocolName | undefined;
}

/**
 * Connects to an outbound endpoint the way linkerd2-proxy does: plain TCP for endpoints without
 * an identity; mTLS (SNI = the discovered server name, the peer's SAN checked against the
 * discovered identity) for meshed ones; and for endpoints with an opaque-transport port, TCP to
 * that port (the peer's inbound proxy), ALPN `transport.l5d.io/v1`, then the transport header
 * naming the original port and the session protocol. Resolves with the stream the application
 * bytes go on.
 */
export function meshConnector(options: MeshConnectOptions): Connector {
  const { endpoint, identity } = options;
  const transportPort = endpoint.opaqueTransportPort;
  const tcp = tcpConnector({
    host: endpoint.ip,
    port: transportPort ?? endpoint.port,
    timeoutMs: options.timeoutMs,
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
    // Only from an address of the endpoint's family (an IPv4 bind cannot reach an IPv6 peer).
    ...(options.localAddress === undefined || isIP(options.localAddress) !== isIP(endpoint.ip)
      ? {}
      : { localAddress: options.localAddress }),
  });
  const peer = endpoint.identity;
  if (peer === undefined || identity === undefined) return tcp;
  const alpn = transportPort !== undefined ? [TRANSPORT_ALPN] : options.session === 'http2' ? ['h2'] : [];
  return async (): Promise<Socket> => {
    const socket = await tcp();
    const tls = await identity.dialer.connect({
      socket,
      serverName: peer.serverName,
      serverIdentity: peer.name,
      alpnProtocols: alpn,
    });
    if (transportPort !== undefined) {
      if (tls.alpnProtocol !== TRANSPORT_ALPN) {
        tls.destroy();
        throw new SkeinError(
          'ERR_SKEIN_CONNECT',
          `${endpoint.address}: the peer did not negotiate ${TRANSPORT_ALPN} on port ${transportPort}`,
        );
      }
      // Wait until the header is written: an HTTP/2 session must not take over a stream with a
      // write still in flight (node's http2 asserts on it).
      const { encodeTransportHeader } = await transportHeaderCodec();
      const header = encodeTransportHeader({ port: endpoint.port, sessionProtocol: options.session });
      await new Promise<void>((resolve, reject) =>
        tls.write(header, (err) => (err ? reject(err) : resolve())),
      );
    }
    return tls;
  };
}

/** The `tls` labels of an outbound endpoint. */
export function endpointTlsLabels(
  endpoint: DiscoveredEndpoint,
  identity: ProxyIdentity | undefined,
): { tls: 'true'; serverId: string } | { tls: 'no_identity'; reason: string } {
  if (endpoint.identity === undefined)
    return { tls: 'no_identity', reason: 'not_provided_by_service_discovery' };
  if (identity === undefined) return { tls: 'no_identity', reason: 'disabled' };
  return { tls: 'true', serverId: endpoint.identity.name };
}
