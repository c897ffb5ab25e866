import { type ChannelCredentials, type ChannelOptions, credentials, status as Status } from '@grpc/grpc-js';
import { type EndpointUpdate, type Logger, nullLogger } from '@skein/core';
import {
  DestinationClient as DestinationGrpcClient,
  type destination,
  tcpAddressToString,
} from '@skein/core/proto';
import { defer, map, type Observable } from 'rxjs';
import type { BackoffOptions } from '../backoff.js';
import type { DiscoveredEndpoint } from '../endpoint.js';
import { endpointFromWeightedAddr } from './endpoint-from-addr.js';
import { profileFromMessage } from './profile-from-message.js';
import type { DiscoveredProfile } from './profile-model.js';
import { resilientStream, type StreamEnd } from './resilient-stream.js';

/** Options of {@link DestinationClient}. */
export interface DestinationClientOptions {
  /** The destination service: `host:port` (`LINKERD2_PROXY_DESTINATION_SVC_ADDR`) or any grpc-js target. */
  readonly address: string;
  /** Channel credentials; default insecure. */
  readonly credentials?: ChannelCredentials;
  /** grpc-js channel options. */
  readonly channelOptions?: ChannelOptions;
  /** Sent as `context_token` (`LINKERD2_PROXY_DESTINATION_CONTEXT`, e.g. `{"ns":"emojivoto","nodeName":"n1"}`). */
  readonly contextToken?: string;
  /** Reconnect backoff; default 100 ms doubling to 10 s with 10% jitter (Linkerd's control-plane client). */
  readonly backoff?: BackoffOptions;
  /** Logs reconnects at debug level. */
  readonly logger?: Logger;
}

const GIVE_UP = new Set<number>([Status.INVALID_ARGUMENT, Status.FAILED_PRECONDITION]);

/**
 * A client of the Destination API with Observables: `endpoints()` for `Get` as
 * {@link @skein/core!index.EndpointUpdate | EndpointUpdate}s of {@link DiscoveredEndpoint}s (what
 * Skein balancers consume), and `profiles()` for `GetProfile` as {@link DiscoveredProfile}s.
 *
 * Streams reconnect with backoff and keep their last state until the first message after a
 * reconnect, which replaces it (`reset`). `NotFound` means the name is not a service the server
 * knows: `endpoints()` emits `doesNotExist` (so a caller may fall back to DNS) and keeps asking;
 * `InvalidArgument`/`FailedPrecondition` also emit `doesNotExist` but are never retried. Each
 * subscription is its own stream; unsubscribing cancels it.
 *
 * @example
 * ```ts
 * const client = new DestinationClient({ address: 'localhost:8086' });
 * client.endpoints('web.emojivoto.svc.cluster.local:80').subscribe((u) => console.log(u.type));
 * ```
 */
export class DestinationClient {
  readonly #grpc: DestinationGrpcClient;
  readonly #contextToken: string;
  readonly #backoff: BackoffOptions | undefined;
  readonly #logger: Logger;

  constructor(options: DestinationClientOptions) {
    this.#grpc = new DestinationGrpcClient(
      options.address,
      options.credentials ?? credentials.createInsecure(),
      options.channelOptions,
    );
    this.#contextToken = options.contextToken ?? '';
    this.#backoff = options.backoff;
    this.#logger = options.logger ?? nullLogger;
  }

  /** The underlying grpc-js client (typed, from `@skein/core/proto`). */
  get grpc(): DestinationGrpcClient {
    return this.#grpc;
  }

  /**
   * `Get(authority)` as endpoint-set updates: `reset` first (and after every reconnect),
   * then `add`/`remove`; `doesNotExist` when the service does not exist.
   */
  endpoints(authority: string): Observable<EndpointUpdate<DiscoveredEndpoint>> {
    return defer(() => this.#endpoints(authority));
  }

  #endpoints(authority: string): Observable<EndpointUpdate<DiscoveredEndpoint>> {
    const set = new Map<string, DiscoveredEndpoint>();
    let missing = false;
    return resilientStream<destination.Update, EndpointUpdate<DiscoveredEndpoint>>({
      what: `Get ${authority}`,
      logger: this.#logger,
      ...(this.#backoff === undefined ? {} : { backoff: this.#backoff }),
      open: () => this.#grpc.get({ scheme: '', path: authority, contextToken: this.#contextToken }),
      onMessage: (u, fresh, out) => {
        if (fresh) set.clear();
        missing = false;
        if (u.add != null) {
          const labels = u.add.metricLabels ?? {};
          const eps: DiscoveredEndpoint[] = [];
          for (const a of u.add.addrs ?? []) {
            try {
              eps.push(endpointFromWeightedAddr(a, labels));
            } catch (err) {
              // One bad address must not cost the others (or the process): skip it, loudly.
              this.#logger.warn(
                { authority, err: (err as Error).message },
                'destination sent an unusable address; skipped',
              );
            }
          }
          for (const e of eps) set.set(e.address, e);
          out.next(fresh ? { type: 'reset', endpoints: [...set.values()] } : { type: 'add', endpoints: eps });
        } else if (u.remove != null) {
          const keys = (u.remove.addrs ?? []).map((a) => tcpAddressToString(a));
          for (const k of keys) set.delete(k);
          out.next(fresh ? { type: 'reset', endpoints: [...set.values()] } : { type: 'remove', keys });
        } else if (u.noEndpoints != null) {
          set.clear();
          if (u.noEndpoints.exists === true) out.next({ type: 'reset', endpoints: [] });
          else {
            missing = true;
            out.next({ type: 'doesNotExist' });
          }
        }
      },
      onEnd: (status, out): StreamEnd => {
        if (status.code === Status.NOT_FOUND || GIVE_UP.has(status.code)) {
          set.clear();
          if (!missing) out.next({ type: 'doesNotExist' });
          missing = true;
          return GIVE_UP.has(status.code) ? 'stop' : 'reconnect';
        }
        return 'reconnect';
      },
    });
  }

  /** {@link DestinationClient.endpoints} for a resolve target, the shape of the proxy's `Resolver`. */
  resolve(target: { readonly authority: string }): Observable<EndpointUpdate<DiscoveredEndpoint>> {
    return this.endpoints(target.authority);
  }

  /**
   * `GetProfile(authority)` as raw `DestinationProfile` messages; `undefined` when the server has
   * no profile for the name (NotFound, retried; InvalidArgument/FailedPrecondition, not retried).
   */
  profileMessages(authority: string): Observable<destination.DestinationProfile | undefined> {
    return defer(() => this.#profileMessages(authority));
  }

  #profileMessages(authority: string): Observable<destination.DestinationProfile | undefined> {
    let none = false;
    return resilientStream<destination.DestinationProfile, destination.DestinationProfile | undefined>({
      what: `GetProfile ${authority}`,
      logger: this.#logger,
      ...(this.#backoff === undefined ? {} : { backoff: this.#backoff }),
      open: () => this.#grpc.getProfile({ scheme: '', path: authority, contextToken: this.#contextToken }),
      onMessage: (p, _fresh, out) => {
        none = false;
        out.next(p);
      },
      onEnd: (status, out): StreamEnd => {
        if (status.code === Status.NOT_FOUND || GIVE_UP.has(status.code)) {
          if (!none) out.next(undefined);
          none = true;
          return GIVE_UP.has(status.code) ? 'stop' : 'reconnect';
        }
        return 'reconnect';
      },
    });
  }

  /** `GetProfile(authority)` as {@link DiscoveredProfile}s (see {@link profileFromMessage}); `undefined` for no profile. */
  profiles(authority: string): Observable<DiscoveredProfile | undefined> {
    return this.profileMessages(authority).pipe(
      map((m) => (m === undefined ? undefined : profileFromMessage(m))),
    );
  }

  /** Closes the channel; open streams end. */
  close(): void {
    this.#grpc.close();
  }
}
