import { Server, ServerCredentials } from '@grpc/grpc-js';
import { formatHostPort, type HostPort } from './address.ts';

/** A running gRPC server. */
export interface RunningServer {
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  readonly port: number;
  /** Stops accepting calls, waits up to `graceMs` for calls in flight, then ends them. */
  close(graceMs?: number): Promise<void>;
}

/** Starts a plaintext gRPC server on `listen` with the services `register` adds. */
export async function startGrpcServer(
  listen: HostPort,
  register: (server: Server) => void,
): Promise<RunningServer> {
  const server = new Server();
  register(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(formatHostPort(listen), ServerCredentials.createInsecure(), (err, bound) =>
      err === null ? resolve(bound) : reject(err),
    );
  });
  return {
    port,
    close: (graceMs = 1000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
