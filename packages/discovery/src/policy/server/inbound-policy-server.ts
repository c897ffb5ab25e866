import type {
  Server as GrpcServer,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  sendUnaryData,
} from '@grpc/grpc-js';
import { type Logger, nullLogger } from '@skein/core';
import {
  type InboundServerPoliciesHandlers,
  type inbound,
  inboundServerPoliciesService,
} from '@skein/core/proto';
import type { Registry } from 'prom-client';
import { first } from 'rxjs';
import { DestinationError, DestinationStatus } from '../../discovery-error.js';
import type { SnapshotSource } from '../../server/destination-backend.js';
import { type StreamSink, TopicRegistry } from '../../server/snapshot-topic.js';
import type { PolicySnapshot } from '../compute-policy.js';
import { parseWorkload } from '../workload.js';
import type { PolicyBackend } from './policy-backend.js';
import { PolicyServerMetrics } from './policy-server-metrics.js';
import { policyBytes, policyTranslator } from './policy-translator.js';

/** Options of {@link InboundPolicyServer}. */
export interface InboundPolicyServerOptions {
  /** Where answers come from: `KubePolicyBackend`, `StaticPolicyBackend` or a plugin. */
  readonly backend: PolicyBackend;
  /** Logs stream failures. */
  readonly logger?: Logger;
  /** Registers `skein_policy_*` metrics here. */
  readonly registry?: Registry;
  /** Messages a stream may have waiting before it is aborted with `RESOURCE_EXHAUSTED` (default 100). */
  readonly queueCapacity?: number;
}

type WatchCall = ServerWritableStream<inbound.PortSpec, Buffer>;
type GetCall = ServerUnaryCall<inbound.PortSpec, Buffer>;

function passThrough<T extends { responseSerialize: (value: never) => Buffer }>(method: T) {
  const encode = method.responseSerialize as (value: unknown) => Buffer;
  return { ...method, responseSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : encode(v)) };
}

/** The InboundServerPolicies definition the server registers: responses may come already encoded. */
export const inboundPolicyServerDefinition: ServiceDefinition = {
  getPort: passThrough(inboundServerPoliciesService.getPort),
  watchPort: passThrough(inboundServerPoliciesService.watchPort),
};

function asError(err: unknown): DestinationError {
  return err instanceof DestinationError
    ? err
    : new DestinationError(DestinationStatus.InvalidArgument, (err as Error).message, { cause: err });
}

/**
 * `io.linkerd.proxy.inbound.InboundServerPolicies` (`GetPort`, `WatchPort`) over a
 * {@link PolicyBackend}: a `PortSpec`'s workload (`{"ns","pod"}` JSON or `ns:pod`) and port
 * (1–65535, else `InvalidArgument`) name a view; streams of the same view share one backend
 * subscription, and each change is encoded once and written to all of them. An unknown pod is
 * `NotFound`.
 */
export class InboundPolicyServer {
  readonly #backend: PolicyBackend;
  readonly #logger: Logger;
  readonly #capacity: number;
  readonly #topics: TopicRegistry<PolicySnapshot>;
  readonly #metrics: PolicyServerMetrics;
  readonly #open = new Map<WatchCall, () => void>();
  #closed = false;

  constructor(options: InboundPolicyServerOptions) {
    this.#backend = options.backend;
    this.#logger = options.logger ?? nullLogger;
    this.#capacity = options.queueCapacity ?? 100;
    this.#topics = new TopicRegistry(policyTranslator, this.#logger);
    this.#metrics = new PolicyServerMetrics(options.registry, () => this.stats());
  }

  /** The grpc-js handlers, for `server.addService(inboundPolicyServerDefinition, handlers)`. */
  get handlers(): InboundServerPoliciesHandlers {
    return {
      getPort: (call, callback) =>
        this.#get(call as unknown as GetCall, callback as unknown as sendUnaryData<Buffer>),
      watchPort: (call) => this.#watch(call as unknown as WatchCall),
    };
  }

  /** Adds the service to a grpc-js server. */
  register(server: GrpcServer): void {
    server.addService(inboundPolicyServerDefinition, this.handlers);
  }

  /** Open `WatchPort` streams and distinct views. */
  stats(): { streams: number; views: number } {
    return { streams: this.#open.size, views: this.#topics.size };
  }

  /** Ends every stream with `UNAVAILABLE` and refuses new calls. */
  close(): void {
    this.#closed = true;
    for (const call of [...this.#open.keys()]) this.#end(call, this.#unavailable());
  }

  #unavailable(): DestinationError {
    return new DestinationError(DestinationStatus.Unavailable, 'policy server shutting down');
  }

  #source(request: inbound.PortSpec | undefined): SnapshotSource<PolicySnapshot> {
    if (this.#closed) throw this.#unavailable();
    const port = request?.port ?? 0;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new DestinationError(DestinationStatus.InvalidArgument, `Invalid port: ${port}`);
    }
    return this.#backend.port(parseWorkload(request?.workload ?? ''), port);
  }

  #get(call: GetCall, callback: sendUnaryData<Buffer>): void {
    let source: SnapshotSource<PolicySnapshot>;
    try {
      source = this.#source(call.request);
    } catch (err) {
      const e = asError(err);
      this.#metrics.errors.inc({ method: 'GetPort', code: String(e.status) });
      callback({ code: e.status, details: e.message });
      return;
    }
    const sub = source.snapshots.pipe(first()).subscribe({
      next: (s) => {
        if (s.kind === 'notFound') {
          this.#metrics.errors.inc({ method: 'GetPort', code: String(DestinationStatus.NotFound) });
          callback({ code: DestinationStatus.NotFound, details: s.message });
          return;
        }
        this.#metrics.messages.inc({ method: 'GetPort' });
        callback(null, policyBytes(s));
      },
      error: (err: unknown) => {
        this.#metrics.errors.inc({ method: 'GetPort', code: String(DestinationStatus.Unavailable) });
        callback({
          code: DestinationStatus.Unavailable,
          details: `policy lookup failed: ${(err as Error).message}`,
        });
      },
    });
    call.on('cancelled', () => sub.unsubscribe());
  }

  #watch(call: WatchCall): void {
    let source: SnapshotSource<PolicySnapshot>;
    try {
      source = this.#source(call.request);
    } catch (err) {
      this.#fail(call, asError(err));
      return;
    }
    let outstanding = 0;
    const sink: StreamSink = {
      send: (message) => {
        if (!this.#open.has(call)) return;
        if (outstanding >= this.#capacity) {
          this.#logger.warn(
            { port: call.request?.port },
            'policy stream queue overflowed; aborting the stream',
          );
          this.#end(
            call,
            new DestinationError(
              DestinationStatus.ResourceExhausted,
              `update queue overflowed for port ${call.request?.port}`,
            ),
          );
          return;
        }
        outstanding++;
        this.#metrics.messages.inc({ method: 'WatchPort' });
        call.write(message, () => {
          outstanding--;
        });
      },
      fail: (error) => this.#end(call, error),
    };
    let detach = () => {};
    this.#open.set(call, () => detach());
    const cleanup = () => {
      const d = this.#open.get(call);
      if (d === undefined) return;
      this.#open.delete(call);
      d();
    };
    call.on('cancelled', cleanup);
    call.on('close', cleanup);
    call.on('error', cleanup);
    detach = this.#topics.attach(source, sink);
    if (!this.#open.has(call)) detach();
  }

  #end(call: WatchCall, error: DestinationError): void {
    const d = this.#open.get(call);
    if (d !== undefined) {
      this.#open.delete(call);
      d();
    }
    this.#fail(call, error);
  }

  #fail(call: WatchCall, error: DestinationError): void {
    this.#metrics.errors.inc({ method: 'WatchPort', code: String(error.status) });
    this.#logger.debug(
      {
        workload: call.request?.workload,
        port: call.request?.port,
        status: error.status,
        err: error.message,
      },
      'ending policy stream',
    );
    call.emit('error', { code: error.status, details: error.message });
  }
}
