import type { Socket } from 'node:net';
import type { Logger } from '@skein/core';
import { forwardOpaque } from '../tcp/opaque-forward.js';
import type { ConnectionInfo, SocketAddr } from '../transport/connection-info.js';
import type { Connector } from '../transport/connector.js';
import type { OpenTcpConnections } from './open-tcp-connections.js';

/** What forwarding an opaque inbound connection to the application needs. */
export interface ForwardAppOptions {
  /** Opens a TCP connection to the application. */
  tcpConnect: (dst: SocketAddr) => Connector;
  /** Whether the client may open an opaque (TCP) connection to its port; false closes it. */
  authorizeTcp?: (info: ConnectionInfo) => boolean;
  /** Where allowed connections are tracked, to be closed if a policy change revokes them. */
  openConnections?: OpenTcpConnections;
  /** Logger. */
  logger: Logger;
}

/**
 * Forwards an opaque inbound connection to the application at `dst`, if the port's policy allows
 * the client (a denied TCP connection is closed, as linkerd2-proxy does). `consumed` bytes, read
 * during detection, go first.
 */
export function forwardToApp(
  socket: Socket,
  info: ConnectionInfo,
  dst: SocketAddr,
  consumed: Buffer | undefined,
  options: ForwardAppOptions,
): void {
  if (options.authorizeTcp !== undefined && !options.authorizeTcp(info)) {
    options.logger.debug({ peer: info.remote, port: dst.port }, 'connection denied by policy');
    socket.destroy();
    return;
  }
  let untrack: (() => void) | undefined;
  const forward = forwardOpaque(socket, {
    connect: options.tcpConnect(dst),
    ...(consumed === undefined ? {} : { consumed }),
    onComplete: () => untrack?.(),
  });
  untrack = options.openConnections?.track(info, forward);
}
