import { Server, ServerCredentials } from '@grpc/grpc-js';
import { identityService } from '@skein/core/proto';
import type { CertifyService } from './certify-service.js';

/** A running Certify gRPC server. */
export interface CertifyServer {
  /** The port bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting calls and waits for running ones (force-closes after `graceMs`, default 5 s). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves `io.linkerd.proxy.identity.Identity` on `address` (`host:port`, plaintext HTTP/2 as
 * Linkerd's identity controller does behind its own proxy).
 *
 * @example
 * ```ts
 * const server = await startCertifyServer(service, '0.0.0.0:8080');
 * ```
 */
export async function startCertifyServer(
  service: CertifyService,
  address: string,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<CertifyServer> {
  const server = new Server();
  server.addService(identityService, service.handlers());
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (err, bound) => (err === null ? resolve(bound) : reject(err)));
  });
  return {
    port,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
