import net, { type Socket } from 'node:net';
import { ConnectError, ConnectTimeoutError } from '../errors/proxy-errors.js';

/**
 * Opens one connection to an endpoint and resolves when it is ready for application bytes
 * (after the TCP connect, and after the TLS handshake and transport header for meshed peers).
 * Called once per new connection, never per request.
 */
export type Connector = () => Promise<Socket>;

/** Options for {@link tcpConnector}. */
export interface TcpConnectOptions {
  /** Host or IP to connect to. */
  host: string;
  /** Port. */
  port: number;
  /** Connect timeout in ms (linkerd2-proxy: 1 s outbound, 300 ms inbound). */
  timeoutMs: number;
  /** TCP keepalive initial delay in ms, or undefined to leave keepalive off. */
  keepAliveMs?: number;
  /** Local address to bind before connecting (e.g. the pod IP in a local mesh). */
  localAddress?: string;
}

/** A plain TCP {@link Connector} with a connect timeout and `TCP_NODELAY`. */
export function tcpConnector(options: TcpConnectOptions): Connector {
  const address = options.host.includes(':')
    ? `[${options.host}]:${options.port}`
    : `${options.host}:${options.port}`;
  return () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = net.connect({
        host: options.host,
        port: options.port,
        noDelay: true,
        allowHalfOpen: true,
        ...(options.keepAliveMs === undefined
          ? {}
          : { keepAlive: true, keepAliveInitialDelay: options.keepAliveMs }),
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectTimeoutError(address, options.timeoutMs));
      }, options.timeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new ConnectError(address, err));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(socket);
      });
    });
}
