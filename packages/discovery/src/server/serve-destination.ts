import { type ChannelOptions, Server, ServerCredentials } from '@grpc/grpc-js';
import { DestinationServer, type DestinationServerOptions } from './destination-server.js';

/** Options of {@link serveDestination}. */
export interface ServeDestinationOptions extends DestinationServerOptions {
  /** `host:port` to listen on; port 0 picks a free one. Default `0.0.0.0:8086`. */
  readonly address?: string;
  /** Server credentials; default insecure (the proxy reaches the destination service over its own mTLS). */
  readonly credentials?: ServerCredentials;
  /** grpc-js server options. */
  readonly grpcOptions?: ChannelOptions;
}

/** A listening destination server. */
export interface RunningDestinationServer {
  /** The bound port. */
  readonly port: number;
  /** The Destination service (stats, close). */
  readonly destination: DestinationServer;
  /** The grpc-js server. */
  readonly server: Server;
  /** Ends every stream with UNAVAILABLE, then shuts down (forcibly after `graceMs`, default 5 s). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts a grpc-js server with the Destination service on `address`.
 *
 * @example
 * ```ts
 * const running = await serveDestination({ backend, address: '127.0.0.1:0' });
 * console.log(running.port);
 * await running.close();
 * ```
 */
export async function serveDestination(options: ServeDestinationOptions): Promise<RunningDestinationServer> {
  const destination = new DestinationServer(options);
  const server = new Server(options.grpcOptions);
  destination.register(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      options.address ?? '0.0.0.0:8086',
      options.credentials ?? ServerCredentials.createInsecure(),
      (err, bound) => (err === null ? resolve(bound) : reject(err)),
    );
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    destination,
    server,
    close(graceMs = 5_000) {
      closing ??= new Promise<void>((resolve) => {
        destination.close();
        const timer = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
