import type { Server as GrpcServer, ServerWritableStream, ServiceDefinition } from '@grpc/grpc-js';
import { type Logger, nullLogger } from '@skein/core';
import { type DestinationHandlers, type destination, destinationService } from '@skein/core/proto';
import type { Registry } from 'prom-client';
import { DestinationError, DestinationStatus } from '../discovery-error.js';
import { endpointTranslator, profileTranslator } from './api-translators.js';
import type { ClientContext } from './context-token.js';
import { parseContextToken } from './context-token.js';
import type {
  DestinationBackend,
  EndpointSnapshot,
  ProfileSnapshot,
  SnapshotSource,
} from './destination-backend.js';
import { type DestinationMethod, DestinationMetrics } from './destination-metrics.js';
import { type DestinationTarget, parseDestinationPath } from './destination-target.js';
import { type StreamSink, TopicRegistry } from './snapshot-topic.js';

/** Options of {@link DestinationServer}. */
export interface DestinationServerOptions {
  /** Where answers come from: `KubeDestinationBackend`, `StaticDestinationBackend` or a plugin. */
  readonly backend: DestinationBackend;
  /** Logs stream failures and overflows. */
  readonly logger?: Logger;
  /** Registers `skein_destination_*` metrics here. */
  readonly registry?: Registry;
  /**
   * Messages a stream may have waiting (not yet taken by HTTP/2 flow control) before the server
   * aborts it with `RESOURCE_EXHAUSTED`, as Linkerd does when a subscriber's update queue
   * overflows. Default 100.
   */
  readonly queueCapacity?: number;
}

type Call = ServerWritableStream<destination.GetDestination, Buffer>;

function passThrough<T extends { responseSerialize: (value: never) => Buffer }>(method: T) {
  const encode = method.responseSerialize as (value: unknown) => Buffer;
  return { ...method, responseSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : encode(v)) };
}

/**
 * The Destination service definition the server registers: core's, except that responses may be
 * given already encoded, so one encoding serves every stream of a view.
 */
export const destinationServerDefinition: ServiceDefinition = {
  get: passThrough(destinationService.get),
  getProfile: passThrough(destinationService.getProfile),
};

/**
 * The Destination API (`Get`, `GetProfile`) over a {@link DestinationBackend}. Streams asking
 * for the same view share one backend subscription; each change is translated and encoded once
 * and written to all of them.
 *
 * @example
 * ```ts
 * const server = new grpc.Server();
 * new DestinationServer({ backend }).register(server);
 * ```
 */
export class DestinationServer {
  readonly #backend: DestinationBackend;
  readonly #logger: Logger;
  readonly #capacity: number;
  readonly #metrics: DestinationMetrics;
  readonly #endpoints: TopicRegistry<EndpointSnapshot>;
  readonly #profiles: TopicRegistry<ProfileSnapshot>;
  readonly #open = new Map<Call, { method: DestinationMethod; detach: () => void }>();
  #closed = false;

  constructor(options: DestinationServerOptions) {
    this.#backend = options.backend;
    this.#logger = options.logger ?? nullLogger;
    this.#capacity = options.queueCapacity ?? 100;
    this.#endpoints = new TopicRegistry(endpointTranslator, this.#logger);
    this.#profiles = new TopicRegistry(profileTranslator, this.#logger);
    this.#metrics = new DestinationMetrics(options.registry, () => this.stats());
  }

  /** The grpc-js handlers, for `server.addService(destinationServerDefinition, handlers)`. */
  get handlers(): DestinationHandlers {
    return {
      get: (call) => this.#serve(call as unknown as Call, 'Get'),
      getProfile: (call) => this.#serve(call as unknown as Call, 'GetProfile'),
    };
  }

  /** Adds the Destination service to a grpc-js server. */
  register(server: GrpcServer): void {
    server.addService(destinationServerDefinition, this.handlers);
  }

  /** Open streams and distinct views, per method. */
  stats(): Record<DestinationMethod, { streams: number; views: number }> {
    let get = 0;
    for (const { method } of this.#open.values()) if (method === 'Get') get++;
    return {
      Get: { streams: get, views: this.#endpoints.size },
      GetProfile: { streams: this.#open.size - get, views: this.#profiles.size },
    };
  }

  /** Ends every open stream with `UNAVAILABLE` and refuses new ones (before shutting the server down). */
  close(): void {
    this.#closed = true;
    const error = new DestinationError(DestinationStatus.Unavailable, 'destination server shutting down');
    for (const [call, entry] of [...this.#open]) this.#end(call, entry.method, error);
  }

  #serve(call: Call, method: DestinationMethod): void {
    const path = call.request?.path ?? '';
    const log = this.#logger.isLevelEnabled('debug') ? this.#logger.child({ method, path }) : this.#logger;
    if (this.#closed) {
      this.#end(
        call,
        method,
        new DestinationError(DestinationStatus.Unavailable, 'destination server shutting down'),
      );
      return;
    }
    let source: SnapshotSource<EndpointSnapshot> | SnapshotSource<ProfileSnapshot>;
    try {
      const target: DestinationTarget = parseDestinationPath(path);
      const client: ClientContext = parseContextToken(call.request?.contextToken);
      source =
        method === 'Get' ? this.#backend.endpoints(target, client) : this.#backend.profile(target, client);
    } catch (err) {
      const error =
        err instanceof DestinationError
          ? err
          : new DestinationError(DestinationStatus.InvalidArgument, (err as Error).message, { cause: err });
      this.#end(call, method, error);
      return;
    }
    let outstanding = 0;
    const sink: StreamSink = {
      send: (message) => {
        if (!this.#open.has(call)) return;
        if (outstanding >= this.#capacity) {
          log.warn({ path, method }, 'destination stream queue overflowed; aborting the stream');
          this.#end(
            call,
            method,
            new DestinationError(DestinationStatus.ResourceExhausted, `update queue overflowed for ${path}`),
          );
          return;
        }
        outstanding++;
        this.#metrics.messages.inc({ method });
        call.write(message, () => {
          outstanding--;
        });
      },
      fail: (error) => this.#end(call, method, error),
    };
    const entry = { method, detach: () => {} };
    this.#open.set(call, entry);
    const cleanup = () => {
      const open = this.#open.get(call);
      if (open === undefined) return;
      this.#open.delete(call);
      open.detach();
    };
    call.on('cancelled', cleanup);
    call.on('close', cleanup);
    call.on('error', cleanup);
    entry.detach =
      method === 'Get'
        ? this.#endpoints.attach(source as SnapshotSource<EndpointSnapshot>, sink)
        : this.#profiles.attach(source as SnapshotSource<ProfileSnapshot>, sink);
    if (!this.#open.has(call)) entry.detach();
    log.debug('destination stream started');
  }

  #end(call: Call, method: DestinationMethod, error: DestinationError): void {
    const open = this.#open.get(call);
    if (open !== undefined) {
      this.#open.delete(call);
      open.detach();
    }
    this.#metrics.streamErrors.inc({ method, code: String(error.status) });
    this.#logger.debug(
      { method, path: call.request?.path, status: error.status, err: error.message },
      'ending destination stream',
    );
    call.emit('error', { code: error.status, details: error.message });
  }
}
