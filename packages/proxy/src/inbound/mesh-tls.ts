import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '@skein/core';
import { sniffHttp } from '../detect/sniff-http.js';
import { type ServeHttpOptions, serveHttp } from '../http/serve-http.js';
import type { ProxyIdentity } from '../identity/proxy-identity.js';
import type { ConnectionInfo, SocketAddr } from '../transport/connection-info.js';
import type { Connector } from '../transport/connector.js';
import type { AcceptedConnection } from '../transport/listener.js';
import { type ForwardAppOptions, forwardToApp } from './forward-app.js';

/** The transport header's ALPN protocol. */
export const TRANSPORT_ALPN = 'transport.l5d.io/v1';

/** What inbound mesh TLS needs. */
export interface InboundMeshTlsOptions extends ForwardAppOptions {
  /** The proxy's identity. */
  identity: ProxyIdentity;
  /** Detect timeout for HTTP detection inside TLS. */
  detectTimeoutMs: number;
  /** How HTTP inside TLS is served (scheme `https` is implied by TLS; requests keep their scheme). */
  http: ServeHttpOptions;
  /** Opens a TCP connection to the application. */
  tcpConnect: (dst: SocketAddr) => Connector;
  /** Handles a terminated connection that negotiated the transport header ALPN. */
  direct: (tls: TLSSocket, info: ConnectionInfo, accepted: AcceptedConnection) => void;
  /** Logger. */
  logger: Logger;
}

/**
 * Returns the inbound TLS terminator: a ClientHello whose SNI is this proxy's identity is
 * terminated with the current certificate (before the first certificate such handshakes fail
 * closed), the client certificate verified and its identity recorded on the connection
 * (`tls="true"`, `client_id`), and what is inside served: HTTP/2 when ALPN says so, the
 * transport-header path for `transport.l5d.io/v1`, otherwise HTTP detection, falling back to
 * opaque forwarding to the original destination.
 */
export function inboundMeshTls(
  options: InboundMeshTlsOptions,
): (socket: Socket, info: ConnectionInfo, accepted: AcceptedConnection, sni: string | undefined) => boolean {
  const { identity, logger } = options;
  return (socket, info, accepted, sni) => {
    if (sni !== identity.localName) return false;
    identity.server.accept(socket).then(
      (conn) => {
        const tls = conn.socket;
        info.tls = { kind: 'mtls', clientId: conn.peerIdentity, serverName: identity.localName };
        if (conn.alpnProtocol === TRANSPORT_ALPN) {
          options.direct(tls, info, accepted);
          return;
        }
        if (conn.alpnProtocol === 'h2') {
          serveHttp('h2', tls, accepted, undefined, options.http);
          return;
        }
        void serveDetected(tls, info, accepted, options);
      },
      (err: Error) => {
        logger.info({ err: err.message, peer: info.remote }, 'inbound mTLS refused');
      },
    );
    return true;
  };
}

async function serveDetected(
  tls: TLSSocket,
  info: ConnectionInfo,
  accepted: AcceptedConnection,
  options: InboundMeshTlsOptions,
): Promise<void> {
  const sniff = await sniffHttp(tls, options.detectTimeoutMs);
  if (sniff.kind === 'http1' || sniff.kind === 'h2') {
    serveHttp(sniff.kind, tls, accepted, sniff.consumed, options.http);
    return;
  }
  const dst = info.originalDst;
  if ((sniff.kind === 'not-http' || sniff.kind === 'timeout') && dst !== undefined) {
    forwardToApp(tls, info, dst, sniff.consumed, options);
    return;
  }
  tls.destroy();
}
