import { type ChannelCredentials, type ChannelOptions, credentials, status as Status } from '@grpc/grpc-js';
import { type Logger, nullLogger } from '@skein/core';
import { InboundServerPoliciesClient, type inbound } from '@skein/core/proto';
import { defer, type Observable } from 'rxjs';
import type { BackoffOptions } from '../backoff.js';
import { resilientStream, type StreamEnd } from '../client/resilient-stream.js';
import { DestinationError, DestinationStatus, DiscoveryUnavailableError } from '../discovery-error.js';
import type { InboundPolicy } from './inbound-policy.js';
import { inboundPolicyFromServer, type PolicyConversionOptions } from './policy-from-server.js';
import type { PolicySource } from './policy-source.js';

/** Options of {@link InboundPolicyClient}. */
export interface InboundPolicyClientOptions extends PolicyConversionOptions {
  /** The policy service: `host:port` (`LINKERD2_PROXY_POLICY_SVC_ADDR`) or any grpc-js target. */
  readonly address: string;
  /** Sent as `PortSpec.workload` (`LINKERD2_PROXY_POLICY_WORKLOAD`, e.g. `{"ns":"emojivoto","pod":"web-0"}`). */
  readonly workload: string;
  /** Channel credentials; default insecure. */
  readonly credentials?: ChannelCredentials;
  /** grpc-js channel options. */
  readonly channelOptions?: ChannelOptions;
  /** Reconnect backoff; default 100 ms doubling to 10 s with 10% jitter. */
  readonly backoff?: BackoffOptions;
  /** Logs reconnects (debug) and messages that cannot be used (warn). */
  readonly logger?: Logger;
}

function getPortError(err: { code?: number; details?: string } | null): Error {
  const code = err?.code ?? Status.UNKNOWN;
  const details = err?.details ?? 'no answer';
  if (code === Status.NOT_FOUND)
    return new DestinationError(DestinationStatus.NotFound, details, { cause: err });
  if (code === Status.INVALID_ARGUMENT) {
    return new DestinationError(DestinationStatus.InvalidArgument, details, { cause: err });
  }
  return new DiscoveryUnavailableError(`GetPort failed: ${Status[code] ?? code}: ${details}`, { cause: err });
}

/** Statuses after which asking again cannot help: the proxy keeps its default policy. */
const GIVE_UP = new Set<number>([Status.NOT_FOUND, Status.UNIMPLEMENTED, Status.INVALID_ARGUMENT]);

/**
 * A client of `io.linkerd.proxy.inbound.InboundServerPolicies`, the {@link PolicySource} a proxy
 * uses with a control plane. `watch(port)` streams `WatchPort` as {@link InboundPolicy}s (see
 * `inboundPolicyFromServer`); the stream reconnects with backoff and the last policy stays in
 * force until the next message. `NotFound`, `Unimplemented` and `InvalidArgument` complete the
 * Observable, so the proxy keeps its default policy. A message the proxy could not use is logged
 * and skipped (the previous policy stays).
 *
 * @example
 * ```ts
 * const client = new InboundPolicyClient({ address: 'linkerd-policy.linkerd.svc:8090', workload: '{"ns":"shop","pod":"web-0"}' });
 * client.watch(8080).subscribe((p) => console.log(p.protocol, p.server.name));
 * ```
 */
export class InboundPolicyClient implements PolicySource {
  readonly #grpc: InboundServerPoliciesClient;
  readonly #workload: string;
  readonly #backoff: BackoffOptions | undefined;
  readonly #logger: Logger;
  readonly #conversion: PolicyConversionOptions;

  constructor(options: InboundPolicyClientOptions) {
    this.#grpc = new InboundServerPoliciesClient(
      options.address,
      options.credentials ?? credentials.createInsecure(),
      options.channelOptions,
    );
    this.#workload = options.workload;
    this.#backoff = options.backoff;
    this.#logger = options.logger ?? nullLogger;
    this.#conversion =
      options.permitLocalhost === undefined ? {} : { permitLocalhost: options.permitLocalhost };
  }

  /** The underlying grpc-js client (typed, from `@skein/core/proto`). */
  get grpc(): InboundServerPoliciesClient {
    return this.#grpc;
  }

  /** `WatchPort(port)` as policies; completes when the server has none for the port. */
  watch(port: number): Observable<InboundPolicy> {
    return defer(() =>
      resilientStream<inbound.Server, InboundPolicy>({
        what: `WatchPort ${port}`,
        logger: this.#logger,
        ...(this.#backoff === undefined ? {} : { backoff: this.#backoff }),
        open: () => this.#grpc.watchPort({ workload: this.#workload, port }),
        onMessage: (message, _fresh, out) => {
          let policy: InboundPolicy;
          try {
            policy = inboundPolicyFromServer(message, this.#conversion);
          } catch (err) {
            this.#logger.warn(
              { port, err: (err as Error).message },
              'ignoring an inbound policy that cannot be used',
            );
            return;
          }
          out.next(policy);
        },
        onEnd: (status, out): StreamEnd => {
          if (!GIVE_UP.has(status.code)) return 'reconnect';
          this.#logger.debug(
            { port, code: Status[status.code], details: status.details },
            'no inbound policy for port',
          );
          out.complete();
          return 'stop';
        },
      }),
    );
  }

  /**
   * `GetPort(port)`: the policy now.
   * @throws {DestinationError} for NotFound and InvalidArgument; {@link DiscoveryUnavailableError} otherwise.
   */
  getPort(port: number, deadlineMs = 10_000): Promise<InboundPolicy> {
    return new Promise((resolve, reject) => {
      this.#grpc.getPort(
        { workload: this.#workload, port },
        { deadline: Date.now() + deadlineMs },
        (err, message) => {
          if (err !== null || message === undefined) {
            reject(getPortError(err));
            return;
          }
          try {
            resolve(inboundPolicyFromServer(message, this.#conversion));
          } catch (e) {
            reject(e);
          }
        },
      );
    });
  }

  /** Closes the channel; open watches end. */
  close(): void {
    this.#grpc.close();
  }
}
