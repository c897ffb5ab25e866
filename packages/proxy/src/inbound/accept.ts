import type { Socket } from 'node:net';
import type { Logger } from '@skein/core';
import {
  detectInboundHttp,
  HTTP_DETECT_MAX_BYTES,
  HTTP_DETECT_MIN_BYTES,
  scanRequestHead,
} from '../detect/http-detect.js';
import { readClientHello } from '../detect/read-client-hello.js';
import { type ServeHttpOptions, serveHttp } from '../http/serve-http.js';
import type { ConnectionInfo, SocketAddr } from '../transport/connection-info.js';
import type { Connector } from '../transport/connector.js';
import type { AcceptedConnection, ConnectionHandler } from '../transport/listener.js';
import { peekFirstBytes } from '../transport/peek.js';
import { forwardToApp } from './forward-app.js';
import type { OpenTcpConnections } from './open-tcp-connections.js';

/** Options for {@link inboundAcceptor}. */
export interface InboundAcceptOptions {
  /** `INBOUND_DETECT_TIMEOUT` in ms. */
  detectTimeoutMs: number;
  /** Whether a port is opaque (forwarded without TLS or HTTP detection), from its policy. */
  isOpaque: (port: number) => boolean;
  /** Whether the client may open an opaque (TCP) connection to its port; false closes it. */
  authorizeTcp?: (info: ConnectionInfo) => boolean;
  /** Where allowed TCP connections are tracked, to be closed if a policy change revokes them. */
  openConnections?: OpenTcpConnections;
  /** Ports of the proxy itself: connections to them are loops. */
  ownPorts: ReadonlySet<number>;
  /** How accepted HTTP is served. */
  http: ServeHttpOptions;
  /** Opens a TCP connection to the application. */
  tcpConnect: (dst: SocketAddr) => Connector;
  /**
   * Terminates TLS whose SNI is this proxy's identity, serving what is inside; returns false
   * when it does not handle the connection (no identity yet, or another SNI).
   */
  terminateTls?: (
    socket: Socket,
    info: ConnectionInfo,
    accepted: AcceptedConnection,
    sni: string | undefined,
  ) => boolean;
  /**
   * Handles connections made to the inbound port itself (no original destination, or one whose
   * port is the inbound port): the transport-header "direct" path.
   */
  direct?: ConnectionHandler;
  /** The inbound listener's port. */
  inboundPort: number;
  /** Logger. */
  logger: Logger;
}

/**
 * Handles connections on the inbound listener (spec §2.4): opaque ports are forwarded at once;
 * otherwise TLS detection (a ClientHello whose SNI is ours is terminated; another SNI passes
 * through untouched as `tls="opaque"`), then HTTP detection on plaintext; HTTP is served to the
 * application, anything else forwarded opaquely.
 */
export function inboundAcceptor(options: InboundAcceptOptions): ConnectionHandler {
  return (socket, info, accepted) => {
    const dst = info.originalDst;
    if (dst === undefined || dst.port === options.inboundPort) {
      if (options.direct !== undefined) options.direct(socket, info, accepted);
      else socket.destroy();
      return;
    }
    if (options.ownPorts.has(dst.port)) {
      options.logger.debug({ port: dst.port }, 'refusing an inbound connection to a proxy port (loop)');
      socket.destroy();
      return;
    }
    if (options.isOpaque(dst.port)) {
      info.tls = { kind: 'none', reason: 'port_skipped' };
      forwardToApp(socket, info, dst, undefined, options);
      return;
    }
    void detect(socket, info, accepted, dst, options).catch(() => socket.destroy());
  };
}

async function detect(
  socket: Socket,
  info: ConnectionInfo,
  accepted: AcceptedConnection,
  dst: SocketAddr,
  options: InboundAcceptOptions,
): Promise<void> {
  const started = performance.now();
  const hello = await readClientHello(socket, options.detectTimeoutMs);
  switch (hello.kind) {
    case 'client-hello':
      if (options.terminateTls?.(socket, info, accepted, hello.sni) === true) return;
      info.tls = { kind: 'opaque', sni: hello.sni ?? '' };
      forwardToApp(socket, info, dst, hello.consumed, options);
      return;
    case 'not-tls':
    case 'timeout': {
      // Plaintext: wait for at least the 14 bytes HTTP detection needs (a slow or segmented
      // client must not slip past it), then classify leniently (see detectInboundHttp).
      let bytes = hello.kind === 'not-tls' ? hello.bytes : undefined;
      let consumed = hello.consumed;
      // Wait only while what arrived could still be an HTTP request: a short message of another
      // protocol (`PING\r\n`) is forwarded at once.
      const mayBeHttp = bytes === undefined || scanRequestHead(bytes, true) === 'partial';
      if (
        consumed === undefined &&
        mayBeHttp &&
        (bytes === undefined || bytes.length < HTTP_DETECT_MIN_BYTES)
      ) {
        const remaining = Math.max(0, options.detectTimeoutMs - (performance.now() - started));
        const peek = await peekFirstBytes(socket, HTTP_DETECT_MAX_BYTES, remaining, {
          minBytes: HTTP_DETECT_MIN_BYTES,
        });
        if (peek.kind === 'eof' || peek.kind === 'error') {
          socket.destroy();
          return;
        }
        bytes = peek.bytes;
        consumed = peek.consumed;
      }
      const protocol = detectInboundHttp(bytes ?? consumed ?? Buffer.alloc(0));
      if (protocol === 'http1' || protocol === 'h2') {
        serveHttp(protocol, socket, accepted, consumed, options.http);
        return;
      }
      forwardToApp(socket, info, dst, consumed, options);
      return;
    }
    default:
      socket.destroy();
  }
}
