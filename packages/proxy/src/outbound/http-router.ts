import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { type EndpointUpdate, IdleCache, type LegacyMetrics, LoadShedError } from '@skein/core';
import {
  type DiscoveredEndpoint,
  type DiscoveredProfile,
  endpointAddress,
  normalizeAuthority,
} from '@skein/discovery/model';
import { catchError, map, type Observable, of, type Subscription, shareReplay } from 'rxjs';
import { type Resolver, type ResolveTarget, resolveTarget } from '../discovery/resolver.js';
import { LoopError } from '../errors/proxy-errors.js';
import { failExchange, NO_FLOW_CONTROL } from '../http/fail.js';
import { getHeader, removeHeader } from '../http/headers.js';
import type { Dispatcher, HttpRequest, ResponseHandler, ResponseHead } from '../http/types.js';
import { HttpParseError } from '../http1/parse-error.js';
import { BalancedTarget } from './balanced-target.js';
import type { HttpEndpoint } from './http-endpoint.js';
import { ProfileRouting } from './profile-routing.js';

/** Options for {@link OutboundHttpRouter}. */
export interface OutboundHttpRouterOptions {
  /** Resolves logical authorities to endpoints. */
  resolver: Resolver;
  /** Builds the stack of one endpoint of a target. */
  connect: (authority: string, endpoint: DiscoveredEndpoint, readyChanged: () => void) => HttpEndpoint;
  /** Targets unused for this long are dropped (`OUTBOUND_DISCOVERY_IDLE_TIMEOUT`, 5 s). */
  discoveryIdleTimeoutMs: number;
  /** Queue capacity per target (`OUTBOUND_HTTP_QUEUE_CAPACITY`, 10,000). */
  queueCapacity: number;
  /** Failfast timeout per target (`OUTBOUND_HTTP_FAILFAST_TIMEOUT`, 3 s). */
  failfastTimeoutMs: number;
  /** Whether an authority is one of the proxy's own listeners: a request to it would loop (508). */
  isOwnAddress: (authority: string) => boolean;
  /** Balancer strategy name. */
  strategy?: string;
  /**
   * The ServiceProfiles of an authority, or undefined when profiles are not looked up for it
   * (not in `DESTINATION_PROFILE_SUFFIXES` / `_NETWORKS`, or no destination service).
   */
  profiles?: (authority: string) => Observable<DiscoveredProfile | undefined> | undefined;
  /** Legacy metrics, for `route_*` families. */
  metrics?: LegacyMetrics;
  /** `INGRESS_MODE`: requests may name their target with `l5d-dst-override: host[:port]`. */
  ingressMode?: boolean;
  /**
   * `DESTINATION_PROFILE_INITIAL_TIMEOUT`: how long a new target's first requests wait for its
   * profile (default 500 ms), so they too get its routes, timeouts and retries.
   */
  profileInitialTimeoutMs?: number;
}

/**
 * A logical target: its balanced endpoints and, while its ServiceProfile has routes or a
 * traffic split, the profile's routing in front of them.
 */
class LogicalTarget implements Dispatcher {
  readonly balanced: BalancedTarget;
  routing: ProfileRouting | undefined;
  /** The latest profile (undefined before the first, or without a profile lookup). */
  profile: DiscoveredProfile | undefined;
  /** Settles with the first profile answer (or undefined when there is none). */
  readonly firstProfile: Promise<DiscoveredProfile | undefined>;
  readonly #subscription: Subscription | undefined;
  /** Requests held until the first profile answer, so they get its routes, timeouts and retries. */
  #held: { request: HttpRequest; handler: ResponseHandler }[] | undefined;
  #heldTimer: NodeJS.Timeout | undefined;
  readonly #maxHeld: number;

  constructor(
    balanced: BalancedTarget,
    profiles: Observable<DiscoveredProfile | undefined> | undefined,
    makeRouting: (p: DiscoveredProfile) => ProfileRouting,
    hold: { timeoutMs: number; capacity: number },
  ) {
    this.balanced = balanced;
    this.#maxHeld = hold.capacity;
    let settle: (p: DiscoveredProfile | undefined) => void = () => {};
    this.firstProfile = new Promise((resolve) => {
      settle = resolve;
    });
    if (profiles === undefined) {
      settle(undefined);
    } else {
      this.#held = [];
      // At most DESTINATION_PROFILE_INITIAL_TIMEOUT: a slow control plane delays, never blocks.
      this.#heldTimer = setTimeout(() => this.#release(), hold.timeoutMs);
      this.#heldTimer.unref();
    }
    this.#subscription = profiles?.subscribe({
      next: (p) => {
        this.profile = p;
        settle(p);
        this.routing = p?.hasRouting === true ? makeRouting(p) : undefined;
        this.#release();
      },
      error: () => {
        settle(undefined);
        this.#release();
        // Keep the last profile: discovery errors must not break routing.
      },
    });
  }

  get inFlight(): number {
    return this.balanced.inFlight + (this.#held?.length ?? 0);
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const held = this.#held;
    if (held !== undefined) {
      if (held.length >= this.#maxHeld) {
        failExchange(handler, new LoadShedError("waiting for the target's profile: queue full"));
        return;
      }
      held.push({ request, handler });
      return;
    }
    (this.routing ?? this.balanced).dispatch(request, handler);
  }

  close(): void {
    this.#subscription?.unsubscribe();
    this.#release();
    this.balanced.close();
  }

  #release(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    clearTimeout(this.#heldTimer);
    for (const { request, handler } of held) (this.routing ?? this.balanced).dispatch(request, handler);
  }
}

/**
 * The outbound HTTP router: finds the logical target of each request — the original destination
 * of a redirected connection, or (explicit mode, e.g. `HTTP_PROXY` or the local mesh) the
 * absolute-form URI or `Host` — and hands it to that target's balanced stack, built once and
 * cached while in use.
 */
export class OutboundHttpRouter implements Dispatcher {
  readonly #targets: IdleCache<string, LogicalTarget>;
  readonly #isOwn: (authority: string) => boolean;
  readonly #ingress: boolean;

  constructor(options: OutboundHttpRouterOptions) {
    this.#isOwn = options.isOwnAddress;
    this.#ingress = options.ingressMode === true;
    this.#targets = new IdleCache<string, LogicalTarget>({
      key: (authority) => authority,
      build: (authority) => {
        const target = resolveTarget(authority);
        const profiles = options.profiles?.(authority)?.pipe(shareReplay({ bufferSize: 1, refCount: true }));
        // An IP target (a redirected connection to a pod) is served by its endpoint profile: the
        // profile's endpoint carries the identity and protocol hints discovery knows.
        const updates =
          profiles !== undefined && isIP(target.host) !== 0
            ? profileEndpoint(profiles, target)
            : options.resolver.resolve(target);
        return new LogicalTarget(
          new BalancedTarget({
            authority,
            updates,
            connect: (endpoint, readyChanged) => options.connect(authority, endpoint, readyChanged),
            queueCapacity: options.queueCapacity,
            failfastTimeoutMs: options.failfastTimeoutMs,
            ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
          }),
          profiles,
          (profile) =>
            new ProfileRouting({
              authority,
              profile,
              // Overrides go to the concrete balancer of their authority (not its own profile).
              backend: (a) =>
                a === authority
                  ? this.#targets.get(a).balanced
                  : this.#targets.get(normalizeAuthority(a) ?? a).balanced,
              ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
            }),
          { timeoutMs: options.profileInitialTimeoutMs ?? 500, capacity: options.queueCapacity },
        );
      },
      idleMs: options.discoveryIdleTimeoutMs,
      isBusy: (target) => target.inFlight > 0,
      onEvict: (target) => target.close(),
    });
  }

  /** Targets currently cached. */
  get targets(): number {
    return this.#targets.size;
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    let authority: string | undefined;
    const override = this.#ingress ? getHeader(request.headers, 'l5d-dst-override') : undefined;
    if (override !== undefined) {
      // Ingress mode: the ingress controller names the service; the header is consumed.
      removeHeader(request.headers, 'l5d-dst-override');
      authority = normalizeAuthority(override, 80);
      if (authority === undefined) {
        failExchange(
          handler,
          new HttpParseError(
            400,
            `invalid l5d-dst-override ${JSON.stringify(override)}: expected host[:port]`,
          ),
        );
        return;
      }
    } else {
      authority = outboundAuthority(request);
    }
    if (authority === undefined) {
      failExchange(
        handler,
        new HttpParseError(
          400,
          `request has no usable authority (Host "${request.authority}") and no original destination`,
        ),
      );
      return;
    }
    if (this.#isOwn(authority)) {
      failExchange(handler, new LoopError(`request to ${authority} would loop back into the proxy`));
      return;
    }
    let target: LogicalTarget;
    try {
      target = this.#targets.get(authority);
    } catch (err) {
      // Building a target runs configuration code (strategies, plugins): a failure there is
      // this request's error, never the connection's or the process's.
      failExchange(handler, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (request.method === 'CONNECT' && request.connection.originalDst === undefined) {
      // As an explicit proxy, CONNECT asks for a tunnel to the target. (Redirected CONNECTs
      // were meant for an HTTP proxy at the original destination and go through unchanged.)
      this.#tunnel(target.balanced, request, handler);
      return;
    }
    target.dispatch(request, handler);
  }

  /**
   * Opens an opaque connection to the logical `authority` (`host:port` or `ip:port`), balanced
   * over its discovered endpoints: how opaque TCP is forwarded.
   */
  openOpaque(authority: string): Promise<Socket> {
    if (this.#isOwn(authority))
      return Promise.reject(new LoopError(`connection to ${authority} would loop back into the proxy`));
    return this.#targets.get(authority).balanced.openOpaque();
  }

  /**
   * Whether discovery marks `authority` as an opaque protocol (its profile's `opaque_protocol`),
   * waiting at most `timeoutMs` for the first profile: connections to it skip HTTP detection,
   * so server-speaks-first protocols get no detection delay.
   */
  async opaqueProtocol(authority: string, timeoutMs: number): Promise<boolean> {
    if (this.#isOwn(authority)) return false;
    const target = this.#targets.get(authority);
    if (target.profile !== undefined) return target.profile.opaqueProtocol;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, undefined);
    });
    const p = await Promise.race([target.firstProfile, timeout]);
    clearTimeout(timer);
    return p?.opaqueProtocol === true;
  }

  /** CONNECT: a byte tunnel to the target, answered with 200 once the upstream is connected. */
  #tunnel(target: BalancedTarget, request: HttpRequest, handler: ResponseHandler): void {
    handler.onStart(NO_FLOW_CONTROL);
    target.openOpaque().then(
      (socket) => {
        const head: ResponseHead = {
          status: 200,
          reason: 'Connection Established',
          headers: [],
          contentLength: 0,
          hasBody: false,
          version: request.version,
        };
        if (handler.onUpgrade === undefined) {
          socket.destroy();
          handler.onError(new Error('CONNECT is not supported on this connection'));
          return;
        }
        handler.onUpgrade(head, socket, Buffer.alloc(0));
      },
      (err: Error) => handler.onError(err),
    );
  }

  /** Closes every target. */
  close(): void {
    this.#targets.clear();
  }
}

/**
 * The logical authority of an outbound request: the original destination when the connection
 * was redirected, else the request's authority with the scheme's default port.
 */
export function outboundAuthority(request: HttpRequest): string | undefined {
  const dst = request.connection.originalDst;
  if (dst !== undefined) return endpointAddress(dst.ip, dst.port);
  if (request.authority === '') return undefined;
  return normalizeAuthority(request.authority, request.scheme === 'https' ? 443 : 80);
}

/**
 * Endpoint updates for an IP target from its endpoint profile: the profile's `endpoint` when
 * discovery knows the address (a meshed pod), else the address itself.
 */
function profileEndpoint(
  profiles: Observable<DiscoveredProfile | undefined>,
  target: ResolveTarget,
): Observable<EndpointUpdate<DiscoveredEndpoint>> {
  const literal: DiscoveredEndpoint = {
    address: endpointAddress(target.host, target.port),
    ip: target.host,
    port: target.port,
    weight: 10_000,
    labels: {},
  };
  return profiles.pipe(
    map((p): EndpointUpdate<DiscoveredEndpoint> => ({ type: 'reset', endpoints: [p?.endpoint ?? literal] })),
    catchError(() => of<EndpointUpdate<DiscoveredEndpoint>>({ type: 'reset', endpoints: [literal] })),
  );
}
