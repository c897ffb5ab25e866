import { type ResponseMatch, RetryBudget, type RetryBudgetOptions } from '@skein/core';
import { type destination, durationToMillis, httpTypes } from '@skein/core/proto';
import type { DiscoveredEndpoint } from '../endpoint.js';
import { endpointFromWeightedAddr } from './endpoint-from-addr.js';
import type { DiscoveredProfile, DstOverride, ProfileRoute, RequestMatcher } from './profile-model.js';

type Profile = destination.DestinationProfile.$Properties;

const METHOD_NAMES = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'HEAD', 'TRACE'];

/** Adds the `^`/`$` anchors linkerd2-proxy adds, so a regex matches the whole path. */
export function anchorRegex(regex: string): string {
  let out = regex;
  if (!out.startsWith('^')) out = `^${out}`;
  if (!out.endsWith('$') || out.endsWith('\\$')) out = `${out}$`;
  return out;
}

function requestMatcher(m: destination.RequestMatch.$Properties | null | undefined): RequestMatcher {
  if (m == null) throw new Error('missing request match');
  if (m.all != null) return { all: (m.all.matches ?? []).map(requestMatcher) };
  if (m.any != null) return { any: (m.any.matches ?? []).map(requestMatcher) };
  if (m.not != null) return { not: requestMatcher(m.not) };
  if (m.path != null) return { path: new RegExp(anchorRegex(m.path.regex ?? '')) };
  if (m.method != null) {
    const method = m.method;
    if (method.unregistered != null && method.unregistered !== '') return { method: method.unregistered };
    const name = METHOD_NAMES[method.registered ?? httpTypes.HttpMethod.Registered.GET];
    if (name === undefined) throw new Error(`unknown registered method ${method.registered}`);
    return { method: name };
  }
  throw new Error('empty request match');
}

function responseMatch(m: destination.ResponseMatch.$Properties | null | undefined): ResponseMatch {
  if (m == null) throw new Error('missing response match');
  if (m.all != null) return { all: (m.all.matches ?? []).map(responseMatch) };
  if (m.any != null) return { any: (m.any.matches ?? []).map(responseMatch) };
  if (m.not != null) return { not: responseMatch(m.not) };
  if (m.status != null) {
    // An unset bound is open (the CRD allows `min` or `max` alone).
    const min = m.status.min || 100;
    const max = m.status.max || 599;
    if (min < 100 || max > 599 || max < min) throw new Error(`invalid status range ${min}-${max}`);
    return { status: { min, max } };
  }
  throw new Error('empty response match');
}

function retryBudget(
  b: destination.RetryBudget.$Properties | null | undefined,
): RetryBudgetOptions | undefined {
  if (b == null || b.ttl == null) return undefined;
  const options = {
    retryRatio: b.retryRatio ?? 0,
    minRetriesPerSecond: b.minRetriesPerSecond ?? 0,
    ttlMs: durationToMillis(b.ttl),
  };
  return RetryBudget.validate(options) === undefined ? options : undefined;
}

const DEFAULT_ROUTE: ProfileRoute = Object.freeze({
  name: '',
  labels: {},
  condition: { all: [] },
  responseClasses: [],
  isRetryable: false,
  isDefault: true,
});

/**
 * Converts a `DestinationProfile` to the proxy's {@link DiscoveredProfile}, with linkerd2-proxy's
 * rules: routes whose conditions do not convert are dropped and a catch-all route is appended;
 * path regexes are anchored; response classes become core `ResponseClass`es; `is_retryable` only
 * holds with a valid retry budget (ratio 0–1000, ttl 1–60 s); weight-0 `dst_overrides` are dropped.
 */
export function profileFromMessage(message: Profile): DiscoveredProfile {
  const budget = retryBudget(message.retryBudget);
  const routes: ProfileRoute[] = [];
  let dropped = 0;
  for (const r of message.routes ?? []) {
    try {
      const labels = { ...(r.metricsLabels ?? {}) };
      const timeoutMs = r.timeout == null ? 0 : durationToMillis(r.timeout);
      routes.push({
        name: labels.route ?? '',
        labels,
        condition: requestMatcher(r.condition),
        responseClasses: (r.responseClasses ?? []).map((c) => ({
          condition: responseMatch(c.condition),
          isFailure: c.isFailure === true,
        })),
        isRetryable: r.isRetryable === true && budget !== undefined,
        ...(timeoutMs > 0 ? { timeoutMs } : {}),
        isDefault: false,
      });
    } catch {
      dropped++;
    }
  }
  routes.push(DEFAULT_ROUTE);
  const dstOverrides: DstOverride[] = (message.dstOverrides ?? [])
    .filter((d) => (d.weight ?? 0) > 0 && (d.authority ?? '') !== '')
    .map((d) => ({ authority: d.authority!, weight: d.weight! }));
  let endpoint: DiscoveredEndpoint | undefined;
  if (message.endpoint?.addr != null) endpoint = endpointFromWeightedAddr(message.endpoint);
  const fqn = message.fullyQualifiedName ?? '';
  return {
    ...(fqn === '' ? {} : { fullyQualifiedName: fqn }),
    opaqueProtocol: message.opaqueProtocol === true,
    routes,
    droppedRoutes: dropped,
    ...(budget === undefined ? {} : { retryBudget: budget }),
    dstOverrides,
    ...(endpoint === undefined ? {} : { endpoint }),
    hasRouting: fqn !== '' && (routes.length > 1 || dstOverrides.length > 0),
  };
}
