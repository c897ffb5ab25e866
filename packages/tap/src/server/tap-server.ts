import {
  ServerCredentials as Credentials,
  Server,
  type ServerCredentials,
  type ServerWritableStream,
  status,
} from '@grpc/grpc-js';
import { type Logger, nullLogger } from '@skein/core';
import { type Decoded, type TapHandlers, type tap, tapService } from '@skein/core/proto';
import type { Counter } from 'prom-client';
import type { TapHub } from '../hub/tap-hub.js';
import { TapRequestError } from '../tap-errors.js';
import {
  identityFromSubjectAltName,
  parseGrpcPeer,
  type TapAuthorizer,
  type TapPeer,
  tapServiceAuthorizer,
} from './tap-authorization.js';
import type { TapEventMessage } from './tap-event-encoding.js';
import { compileTapMatch } from './tap-match.js';
import { TapSubscription } from './tap-subscription.js';

/** Options of {@link startTapServer}. */
export interface TapServerOptions {
  /** The proxy's tap hub. */
  readonly hub: TapHub;
  /** Where to listen (`LINKERD2_PROXY_CONTROL_LISTEN_ADDR`); port 0 picks one. */
  readonly listen: { readonly host: string; readonly port: number };
  /**
   * Who may tap. Default: {@link tapServiceAuthorizer} of `tapServiceName` — loopback callers
   * and callers whose mTLS identity is the tap service name. Refused callers get UNAUTHENTICATED.
   */
  readonly authorize?: TapAuthorizer;
  /** `LINKERD2_PROXY_TAP_SVC_NAME`, used by the default authorizer. */
  readonly tapServiceName?: string;
  /** Server credentials (mTLS from identity); default plaintext. */
  readonly credentials?: ServerCredentials;
  /**
   * The real caller of a connection, when the server sits behind a relay that terminated TLS
   * itself (the proxy's control port): given the peer gRPC sees, returns the original peer and
   * its identity, or undefined for a connection that was not relayed.
   */
  readonly relayedPeer?: (peer: { address: string; port: number }) => TapPeer | undefined;
  /** Events buffered per subscriber while its client is slow (default 1000); more are dropped. */
  readonly bufferEvents?: number;
  /** Counts dropped events (e.g. a prom-client `Counter` registered by the proxy). */
  readonly droppedEvents?: Pick<Counter, 'inc'>;
  /** Logger. */
  readonly logger?: Logger;
}

/** A running tap server. */
export interface TapServer {
  /** The bound address. */
  readonly address: { readonly host: string; readonly port: number };
  /** Open Observe calls. */
  readonly subscribers: number;
  /** Events dropped so far because a client was too slow. */
  readonly droppedEvents: number;
  /** Ends every Observe call and stops listening. */
  close(): Promise<void>;
}

type ObserveCall = ServerWritableStream<Decoded<typeof tap.ObserveRequest>, TapEventMessage>;

/**
 * Serves `io.linkerd.proxy.tap.Tap/Observe` over a {@link TapHub} (spec §1.5): authorizes the
 * caller, refuses `limit = 0` and malformed match trees with INVALID_ARGUMENT, then streams
 * RequestInit/ResponseInit/ResponseEnd events of up to `limit` matching requests and ends the
 * stream once they have all finished.
 *
 * @example
 * ```ts
 * const server = await startTapServer({ hub: proxy.tap, listen: { host: '0.0.0.0', port: 4190 },
 *   tapServiceName: 'tap.linkerd-viz.serviceaccount.identity.linkerd.cluster.local' });
 * ```
 */
export async function startTapServer(options: TapServerOptions): Promise<TapServer> {
  const log = options.logger ?? nullLogger;
  const authorize = options.authorize ?? tapServiceAuthorizer(options.tapServiceName);
  const capacity = options.bufferEvents ?? 1000;
  const calls = new Set<ObserveCall>();
  let dropped = 0;
  const onDrop = () => {
    dropped++;
    options.droppedEvents?.inc();
  };

  const observe = (call: ObserveCall): void => {
    const seen = parseGrpcPeer(call.getPeer());
    const relayed = seen === undefined ? undefined : options.relayedPeer?.(seen);
    const cert = call.getAuthContext()?.sslPeerCertificate;
    const clientIdentity = relayed?.clientIdentity ?? identityFromSubjectAltName(cert?.subjectaltname);
    const peer = relayed ?? seen;
    if (
      peer === undefined ||
      !authorize({
        address: peer.address,
        port: peer.port,
        ...(clientIdentity === undefined ? {} : { clientIdentity }),
      })
    ) {
      const who = peer === undefined ? call.getPeer() : `${peer.address}:${peer.port}`;
      log.info({ peer: who, clientIdentity }, 'tap: refused an unauthenticated caller');
      call.emit('error', {
        code: status.UNAUTHENTICATED,
        details: `tap: ${who} is not allowed to tap this proxy (${clientIdentity === undefined ? 'no client identity' : `client identity ${clientIdentity}`}; expected loopback or the tap service identity)`,
      });
      return;
    }
    const request = call.request;
    let subscription: TapSubscription;
    try {
      const limit = request.limit ?? 0;
      if (limit === 0) throw new TapRequestError('limit: expected a positive number of requests, got 0');
      subscription = new TapSubscription({
        matcher: compileTapMatch(request.match),
        limit,
        headers: request.extract?.http?.headers != null,
        sink: call,
        capacity,
        onDrop,
        onDone: () => {
          unsubscribe();
          calls.delete(call);
          if (subscription.dropped > 0) {
            log.warn({ dropped: subscription.dropped }, 'tap: events dropped for a slow client');
          }
          call.end();
        },
      });
    } catch (err) {
      call.emit('error', {
        code: status.INVALID_ARGUMENT,
        details: err instanceof Error ? err.message : String(err),
      });
      return;
    }
    calls.add(call);
    const unsubscribe = options.hub.subscribe(subscription);
    call.on('drain', () => subscription.drain());
    const stop = () => {
      subscription.close();
      unsubscribe();
      calls.delete(call);
    };
    call.on('cancelled', stop);
    call.on('close', stop);
    call.on('error', stop);
  };

  const server = new Server();
  server.addService(tapService, { observe } satisfies TapHandlers);
  const host = options.listen.host.includes(':') ? `[${options.listen.host}]` : options.listen.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host}:${options.listen.port}`,
      options.credentials ?? Credentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    );
  });
  log.info({ port }, 'tap server listening');
  return {
    address: { host: options.listen.host, port },
    get subscribers() {
      return calls.size;
    },
    get droppedEvents() {
      return dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const call of calls) call.end();
        calls.clear();
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000).unref();
      }),
  };
}
