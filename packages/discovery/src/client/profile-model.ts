import type { ResponseClass, RetryBudgetOptions } from '@skein/core';
import type { DiscoveredEndpoint } from '../endpoint.js';

/**
 * A compiled request condition of a profile route. Path regexes are anchored (`^…$`) as
 * linkerd2-proxy anchors them; `{ all: [] }` matches every request.
 */
export type RequestMatcher =
  | { readonly all: readonly RequestMatcher[] }
  | { readonly any: readonly RequestMatcher[] }
  | { readonly not: RequestMatcher }
  | { readonly path: RegExp }
  | { readonly method: string };

/** One route of a profile, ready for per-request matching. */
export interface ProfileRoute {
  /** The `route` metric label; '' for the default route. */
  readonly name: string;
  /** The route's metric labels (`route` and any others the server sent). */
  readonly labels: Readonly<Record<string, string>>;
  /** Which requests belong to the route. */
  readonly condition: RequestMatcher;
  /** Response classes, first match wins; none matching means the default classification. */
  readonly responseClasses: readonly ResponseClass[];
  /** Whether failures may be retried (false whenever the profile has no valid retry budget). */
  readonly isRetryable: boolean;
  /** The request timeout in ms (504 when it elapses); absent for none. */
  readonly timeoutMs?: number;
  /** True for the catch-all route appended after the server's routes. */
  readonly isDefault: boolean;
}

/** A weighted destination of a traffic split (`dst_overrides`); weight-0 entries are dropped. */
export interface DstOverride {
  /** `host:port` to send to instead. */
  readonly authority: string;
  /** Relative weight (decimillis: 10000 = 1). */
  readonly weight: number;
}

/** A `DestinationProfile` in the shape the proxy routes with. */
export interface DiscoveredProfile {
  /** The service's FQDN, without port; absent when the server sent none. */
  readonly fullyQualifiedName?: string;
  /** Treat connections as opaque TCP (no protocol detection). */
  readonly opaqueProtocol: boolean;
  /** Routes in match order; the last is always the catch-all default route. */
  readonly routes: readonly ProfileRoute[];
  /** How many routes of the message were dropped because their conditions did not convert. */
  readonly droppedRoutes: number;
  /** The retry budget, in core's `RetryBudget` options; absent when missing or invalid (then nothing retries). */
  readonly retryBudget?: RetryBudgetOptions;
  /** Traffic split targets. */
  readonly dstOverrides: readonly DstOverride[];
  /** The endpoint to forward to when the target is a pod rather than a service. */
  readonly endpoint?: DiscoveredEndpoint;
  /**
   * Whether the proxy should route with this profile: it has routes or dst_overrides and an FQN
   * (linkerd2-proxy otherwise uses the policy API's routes).
   */
  readonly hasRouting: boolean;
}

/** Whether a request (method, path) matches a route condition. */
export function matchRequest(m: RequestMatcher, method: string, path: string): boolean {
  if ('path' in m) return m.path.test(path);
  if ('method' in m) return m.method === method;
  if ('all' in m) {
    for (const c of m.all) if (!matchRequest(c, method, path)) return false;
    return true;
  }
  if ('any' in m) {
    for (const c of m.any) if (matchRequest(c, method, path)) return true;
    return false;
  }
  return !matchRequest(m.not, method, path);
}

/** The first route matching the request; the default route when none of the server's do. */
export function findRoute(profile: DiscoveredProfile, method: string, path: string): ProfileRoute {
  const routes = profile.routes;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    if (matchRequest(route.condition, method, path)) return route;
  }
  return routes[routes.length - 1]!;
}
