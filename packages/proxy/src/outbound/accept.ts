import type { Logger, PortSet } from '@skein/core';
import { sniffHttp } from '../detect/sniff-http.js';
import { type ServeHttpOptions, serveHttp } from '../http/serve-http.js';
import { forwardOpaque } from '../tcp/opaque-forward.js';
import type { SocketAddr } from '../transport/connection-info.js';
import type { Connector } from '../transport/connector.js';
import type { ConnectionHandler } from '../transport/listener.js';

/** Options for {@link outboundAcceptor}. */
export interface OutboundAcceptOptions {
  /** `OUTBOUND_DETECT_TIMEOUT` in ms. */
  detectTimeoutMs: number;
  /** Destination ports that skip protocol detection (opaque). */
  opaquePorts: PortSet;
  /** How accepted HTTP is served. */
  http: ServeHttpOptions;
  /** Opens an opaque TCP connection to an original destination. */
  tcpConnect: (dst: SocketAddr) => Connector;
  /** Whether discovery marks an original destination as opaque (no HTTP detection). */
  discoveredOpaque?: (dst: SocketAddr) => Promise<boolean>;
  /** Logger. */
  logger: Logger;
}

/**
 * Handles connections on the outbound listener: opaque ports are forwarded at once (no
 * detection delay for server-speaks-first protocols); everything else goes through HTTP
 * detection (one look within the detect timeout). HTTP is served and routed; anything else is
 * forwarded opaquely to the original destination. Without an original destination (explicit
 * mode) only HTTP can be routed, so other traffic is closed.
 */
export function outboundAcceptor(options: OutboundAcceptOptions): ConnectionHandler {
  return (socket, info, accepted) => {
    const dst = info.originalDst;
    if (dst !== undefined && options.opaquePorts.has(dst.port)) {
      forwardOpaque(socket, { connect: options.tcpConnect(dst) });
      return;
    }
    const discovered = dst === undefined ? undefined : options.discoveredOpaque?.(dst);
    if (discovered !== undefined && dst !== undefined) {
      discovered.then(
        (opaque) => {
          if (opaque) forwardOpaque(socket, { connect: options.tcpConnect(dst) });
          else detectAndServe();
        },
        () => detectAndServe(),
      );
      return;
    }
    detectAndServe();

    function detectAndServe(): void {
      sniffHttp(socket, options.detectTimeoutMs).then(
        (sniff) => {
          switch (sniff.kind) {
            case 'http1':
            case 'h2':
              serveHttp(sniff.kind, socket, accepted, sniff.consumed, options.http);
              return;
            case 'not-http':
            case 'timeout':
              if (dst === undefined) {
                options.logger.debug(
                  { peer: info.remote },
                  'closing non-HTTP connection without an original destination',
                );
                socket.destroy();
                return;
              }
              forwardOpaque(socket, {
                connect: options.tcpConnect(dst),
                ...(sniff.consumed === undefined ? {} : { consumed: sniff.consumed }),
              });
              return;
            default:
              socket.destroy();
          }
        },
        () => socket.destroy(),
      );
    }
  };
}
