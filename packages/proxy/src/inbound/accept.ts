import type { Socket } from 'node:net';
import type { Logger } from '@skein/core';
import { detectHttp, HTTP_DETECT_MIN_BYTES } from '../detect/http-detect.js';
import { readClientHello } from '../detect/read-client-hello.js';
import { sniffHttp } from '../detect/sniff-http.js';
import { type ServeHttpOptions, serveHttp } from '../http/serve-http.js';
import type { ConnectionInfo, SocketAddr } from '../transport/connection-info.js';
import type { Connector } from '../transport/connector.js';
import type { AcceptedConnection, ConnectionHandler } from '../transport/listener.js';
import { forwardToApp } from './forward-app.js';

/** Options for {@link inboundAcceptor}. */
export interface InboundAcceptOptions {
  /** `INBOUND_DETECT_TIMEOUT` in ms. */
  detectTimeoutMs: number;
  /** Whether a port is opaque (forwarded without TLS or HTTP detection), from its policy. */
  isOpaque: (port: number) => boolean;
  /** Whether the client may open an opaque (TCP) connection to its port; false closes it. */
  authorizeTcp?: (info: ConnectionInfo) => boolean;
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
    case 'not-tls': {
      let protocol = hello.bytes.length >= HTTP_DETECT_MIN_BYTES ? detectHttp(hello.bytes) : undefined;
      let consumed = hello.consumed;
      if (protocol === undefined && consumed === undefined) {
        const remaining = Math.max(1, options.detectTimeoutMs - (performance.now() - started));
        const sniff = await sniffHttp(socket, remaining);
        if (sniff.kind === 'eof' || sniff.kind === 'error') {
          socket.destroy();
          return;
        }
        protocol = sniff.kind === 'timeout' ? 'not-http' : sniff.kind;
        consumed = sniff.consumed;
      }
      if (protocol === 'http1' || protocol === 'h2') {
        serveHttp(protocol, socket, accepted, consumed, options.http);
        return;
      }
      forwardToApp(socket, info, dst, consumed, options);
      return;
    }
    case 'timeout':
      forwardToApp(socket, info, dst, hello.consumed, options);
      return;
    default:
      socket.destroy();
  }
}
