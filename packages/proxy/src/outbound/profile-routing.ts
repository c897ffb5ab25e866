import {
  classifyResponse,
  type LegacyMetrics,
  RetryBudget,
  type RouteTargetMetrics,
  routeLabels,
} from '@skein/core';
import { type DiscoveredProfile, findRoute, type ProfileRoute } from '@skein/discovery/model';
import { ResponseTimeoutError } from '../errors/proxy-errors.js';
import { getHeader, setHeader } from '../http/headers.js';
import type { RequestBody } from '../http/request-body.js';
import type {
  Dispatcher,
  FlowControl,
  HeaderList,
  HttpRequest,
  ResponseHandler,
  ResponseHead,
} from '../http/types.js';

/** Request bodies up to this size are kept so a failed request can be retried (Linkerd: 64 KiB). */
export const RETRY_BODY_LIMIT = 64 * 1024;

/** Options for {@link ProfileRouting}. */
export interface ProfileRoutingOptions {
  /** The logical target, `host:port`. */
  authority: string;
  /** The profile in force. */
  profile: DiscoveredProfile;
  /** The dispatcher of a backend authority (the target itself, or a `dst_overrides` authority). */
  backend: (authority: string) => Dispatcher;
  /** Legacy metrics for `route_*` families. */
  metrics?: LegacyMetrics;
  /** Random numbers for traffic splits; defaults to `Math.random`. */
  random?: () => number;
}

/**
 * ServiceProfile routing for one logical target (spec §2.9): each request is matched to the
 * first route whose condition holds (the last route catches all), gets `l5d-dst-canonical`,
 * and is counted in the route's `route_*` metrics with its response classes. The route's timeout
 * fails the request with 504; retryable routes retry failures under the profile's retry budget
 * (request bodies up to 64 KiB are kept for replay; a response that arrives before the request
 * body is complete is never retried). `dst_overrides` split traffic by weight.
 */
export class ProfileRouting implements Dispatcher {
  readonly profile: DiscoveredProfile;
  readonly #opts: ProfileRoutingOptions;
  readonly #canonical: string;
  readonly #metrics = new Map<ProfileRoute, RouteTargetMetrics>();
  readonly #budget: RetryBudget | undefined;
  readonly #overrides: { authority: string; cumulative: number }[];
  readonly #totalWeight: number;
  readonly #random: () => number;

  constructor(options: ProfileRoutingOptions) {
    this.#opts = options;
    this.profile = options.profile;
    const port = options.authority.slice(options.authority.lastIndexOf(':') + 1);
    this.#canonical = `${options.profile.fullyQualifiedName ?? options.authority.slice(0, options.authority.lastIndexOf(':'))}:${port}`;
    this.#budget =
      options.profile.retryBudget === undefined ? undefined : new RetryBudget(options.profile.retryBudget);
    let total = 0;
    this.#overrides = [];
    for (const o of options.profile.dstOverrides) {
      if (!(o.weight > 0)) continue;
      total += o.weight;
      this.#overrides.push({ authority: o.authority, cumulative: total });
    }
    this.#totalWeight = total;
    this.#random = options.random ?? Math.random;
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const q = request.path.indexOf('?');
    const path = q < 0 ? request.path : request.path.slice(0, q);
    const route = findRoute(this.profile, request.method, path);
    setHeader(request.headers, 'l5d-dst-canonical', this.#canonical);
    if (request.tap !== undefined) request.tap.routeLabels = route.labels;
    const metrics = this.#routeMetrics(route);
    const backend = this.#opts.backend(this.#pickBackend());
    const budget = route.isRetryable ? this.#budget : undefined;
    budget?.deposit();
    new RouteExchange(request, handler, route, backend, metrics, budget).start();
  }

  #pickBackend(): string {
    if (this.#totalWeight === 0) return this.#opts.authority;
    const r = this.#random() * this.#totalWeight;
    for (const o of this.#overrides) if (r < o.cumulative) return o.authority;
    return this.#overrides[this.#overrides.length - 1]!.authority;
  }

  #routeMetrics(route: ProfileRoute): RouteTargetMetrics | undefined {
    const legacy = this.#opts.metrics;
    if (legacy === undefined) return undefined;
    let m = this.#metrics.get(route);
    if (m === undefined) {
      m = legacy.routeTarget(
        routeLabels({ direction: 'outbound', dst: this.#canonical, routeLabels: route.labels }),
      );
      this.#metrics.set(route, m);
    }
    return m;
  }
}

/**
 * One request on a profile route: timeout, retries, and route metrics. It is the client's
 * response handler, fed by one attempt at a time.
 */
class RouteExchange {
  readonly #request: HttpRequest;
  readonly #client: ResponseHandler;
  readonly #route: ProfileRoute;
  readonly #backend: Dispatcher;
  readonly #metrics: RouteTargetMetrics | undefined;
  readonly #budget: RetryBudget | undefined;
  readonly #body: RequestBody | null;
  #attempt: Attempt | undefined;
  #timer: NodeJS.Timeout | undefined;
  #done = false;
  #clientStarted = false;
  #status = 0;
  #grpcStatus: number | undefined;
  #firstByteMs = -1;
  #control: FlowControl | undefined;

  constructor(
    request: HttpRequest,
    client: ResponseHandler,
    route: ProfileRoute,
    backend: Dispatcher,
    metrics: RouteTargetMetrics | undefined,
    budget: RetryBudget | undefined,
  ) {
    this.#request = request;
    this.#client = client;
    this.#route = route;
    this.#backend = backend;
    this.#metrics = metrics;
    this.#budget = budget;
    this.#body = request.body;
    if (budget !== undefined && request.body !== null) request.body.retain(RETRY_BODY_LIMIT);
  }

  start(): void {
    this.#metrics?.route.requests.inc();
    const timeoutMs = this.#route.timeoutMs;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      this.#timer = setTimeout(() => this.#timeout(timeoutMs), timeoutMs);
    }
    this.#client.onStart({
      pause: () => this.#control?.pause(),
      resume: () => this.#control?.resume(),
      abort: (reason) => {
        this.#done = true;
        clearTimeout(this.#timer);
        this.#control?.abort(reason);
      },
    });
    this.#clientStarted = true;
    this.#send(this.#request);
  }

  #send(request: HttpRequest): void {
    this.#metrics?.actual.requests.inc();
    const attempt = new Attempt(this);
    this.#attempt = attempt;
    this.#backend.dispatch(request, attempt);
  }

  // Called by the current attempt.
  attemptStarted(attempt: Attempt, control: FlowControl): void {
    if (attempt === this.#attempt) this.#control = control;
  }

  /** Decides at the response head whether to retry; returns true when the attempt is replaced. */
  attemptHead(attempt: Attempt, head: ResponseHead): boolean {
    if (attempt !== this.#attempt || this.#done) return false;
    const grpc = this.#request.grpc ? getHeader(head.headers, 'grpc-status') : undefined;
    const failed =
      classifyResponse(
        { status: head.status, grpc: this.#request.grpc, grpcStatus: grpc === undefined ? 0 : Number(grpc) },
        this.#route.responseClasses,
      ) === 'failure';
    this.#metrics?.actual.recordResponse(head.status, failed ? 'failure' : 'success', 0);
    if (failed && this.#retry(attempt)) return true;
    clearTimeout(this.#timer);
    this.#status = head.status;
    if (grpc !== undefined) this.#grpcStatus = Number(grpc);
    if (!head.hasBody) this.#firstByteMs = performance.now() - this.#request.receivedAt;
    this.#client.onHead(head);
    return false;
  }

  attemptInformational(attempt: Attempt, status: number, headers: HeaderList): void {
    if (attempt === this.#attempt && !this.#done) this.#client.onInformational?.(status, headers);
  }

  attemptData(attempt: Attempt, chunk: Buffer): boolean {
    if (attempt !== this.#attempt || this.#done) return true;
    if (this.#firstByteMs < 0) this.#firstByteMs = performance.now() - this.#request.receivedAt;
    return this.#client.onData(chunk);
  }

  attemptEnd(attempt: Attempt, trailers: HeaderList | null): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#done = true;
    if (trailers !== null && this.#request.grpc) {
      const s = getHeader(trailers, 'grpc-status');
      if (s !== undefined) this.#grpcStatus = Number(s);
    }
    const classification = classifyResponse(
      { status: this.#status, grpc: this.#request.grpc, grpcStatus: this.#grpcStatus },
      this.#route.responseClasses,
    );
    const latency = this.#firstByteMs < 0 ? performance.now() - this.#request.receivedAt : this.#firstByteMs;
    this.#metrics?.route.recordResponse(
      this.#status,
      classification,
      latency,
      this.#request.grpc ? (this.#grpcStatus ?? 2) : undefined,
    );
    this.#client.onEnd(trailers);
  }

  attemptError(attempt: Attempt, error: Error, afterHead: boolean): void {
    if (attempt !== this.#attempt || this.#done) return;
    if (!afterHead) {
      this.#metrics?.actual.recordResponse(502, 'failure', 0, undefined, 'error');
      if (this.#retry(attempt)) return;
    }
    this.#fail(error);
  }

  attemptUpgrade(
    attempt: Attempt,
    head: ResponseHead,
    socket: import('node:stream').Duplex,
    rest: Buffer,
  ): void {
    if (attempt !== this.#attempt || this.#done) {
      socket.destroy();
      return;
    }
    this.#done = true;
    clearTimeout(this.#timer);
    if (this.#client.onUpgrade === undefined) {
      socket.destroy();
      this.#client.onError(new Error('protocol upgrade not supported on this path'));
      return;
    }
    this.#client.onUpgrade(head, socket, rest);
  }

  /** Replaces a failed attempt with a retry when the route, the body and the budget allow it. */
  #retry(failed: Attempt): boolean {
    const budget = this.#budget;
    if (budget === undefined) return false;
    const body = this.#body;
    // The body must be complete and kept: a response before the request ended is never retried.
    if (body !== null && (!body.ended || !body.replayable)) return false;
    if (!budget.withdraw()) {
      this.#metrics?.retryable(true);
      return false;
    }
    this.#metrics?.retryable(false);
    failed.discard();
    const replay = body === null ? null : (body.replay() ?? null);
    this.#send({ ...this.#request, body: replay, headers: this.#request.headers.slice() });
    return true;
  }

  #timeout(ms: number): void {
    if (this.#done) return;
    const error = new ResponseTimeoutError(ms);
    this.#attempt?.discard();
    this.#control?.abort(error);
    this.#fail(error);
  }

  #fail(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    const latency = performance.now() - this.#request.receivedAt;
    this.#metrics?.route.recordResponse(
      error instanceof ResponseTimeoutError ? 504 : 502,
      'failure',
      latency,
      undefined,
      'error',
    );
    if (this.#clientStarted) this.#client.onError(error);
  }
}

/** The response handler of one attempt, reporting to its {@link RouteExchange}. */
class Attempt implements ResponseHandler {
  readonly #exchange: RouteExchange;
  #control: FlowControl | undefined;
  #headSeen = false;
  #discarded = false;

  constructor(exchange: RouteExchange) {
    this.#exchange = exchange;
  }

  /** This attempt's response is no longer wanted: cancel it. */
  discard(): void {
    if (this.#discarded) return;
    this.#discarded = true;
    this.#control?.abort(new Error('attempt replaced by a retry'));
  }

  onStart(control: FlowControl): void {
    this.#control = control;
    if (this.#discarded) control.abort(new Error('attempt replaced by a retry'));
    else this.#exchange.attemptStarted(this, control);
  }

  onInformational(status: number, headers: HeaderList): void {
    this.#exchange.attemptInformational(this, status, headers);
  }

  onHead(head: ResponseHead): void {
    this.#headSeen = true;
    this.#exchange.attemptHead(this, head);
  }

  onData(chunk: Buffer): boolean {
    return this.#exchange.attemptData(this, chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    this.#exchange.attemptEnd(this, trailers);
  }

  onError(error: Error): void {
    this.#exchange.attemptError(this, error, this.#headSeen);
  }

  onUpgrade(head: ResponseHead, socket: import('node:stream').Duplex, rest: Buffer): void {
    this.#exchange.attemptUpgrade(this, head, socket, rest);
  }
}
