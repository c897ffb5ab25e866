import { type ChannelOptions, Server, ServerCredentials } from '@grpc/grpc-js';
import { InboundPolicyServer, type InboundPolicyServerOptions } from './inbound-policy-server.js';

/** Options of {@link servePolicy}. */
export interface ServePolicyOptions extends InboundPolicyServerOptions {
  /** `host:port` to listen on; port 0 picks a free one. Default `0.0.0.0:8090` (Linkerd's policy port). */
  readonly address?: string;
  /** Server credentials; default insecure (proxies reach the control plane through their own mTLS). */
  readonly credentials?: ServerCredentials;
  /** grpc-js server options. */
  readonly grpcOptions?: ChannelOptions;
}

/** A listening policy server. */
export interface RunningPolicyServer {
  /** The bound port. */
  readonly port: number;
  /** The InboundServerPolicies service (stats, close). */
  readonly policy: InboundPolicyServer;
  /** The grpc-js server. */
  readonly server: Server;
  /** Ends every stream with UNAVAILABLE, then shuts down (forcibly after `graceMs`, default 5 s). */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts a grpc-js server with `InboundServerPolicies` on `address`.
 *
 * @example
 * ```ts
 * const running = await servePolicy({ backend, address: '127.0.0.1:0' });
 * console.log(running.port);
 * await running.close();
 * ```
 */
export async function servePolicy(options: ServePolicyOptions): Promise<RunningPolicyServer> {
  const policy = new InboundPolicyServer(options);
  const server = new Server(options.grpcOptions);
  policy.register(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      options.address ?? '0.0.0.0:8090',
      options.credentials ?? ServerCredentials.createInsecure(),
      (err, bound) => (err === null ? resolve(bound) : reject(err)),
    );
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    policy,
    server,
    close(graceMs = 5_000) {
      closing ??= new Promise<void>((resolve) => {
        policy.close();
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
