import {
  type Logger,
  nullLogger,
  type ProfileRequestMatch,
  type ProfileResponseMatch,
  parseGoDuration,
  parseQuantity,
  quantityMilliValue,
  type ServiceProfile,
} from '@skein/core';
import { type destination, durationFromMillis, type httpTypes } from '@skein/core/proto';
import type { DestinationProfileProps } from '../server/destination-backend.js';

type RequestMatchProps = destination.RequestMatch.$Properties;
type ResponseMatchProps = destination.ResponseMatch.$Properties;
type RetryBudgetProps = destination.RetryBudget.$Properties;

/** Linkerd's default retry budget: 20% extra, 10 retries/s, 10 s window. */
export function defaultRetryBudget(): RetryBudgetProps {
  return { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: durationFromMillis(10_000) };
}

const REGISTERED_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'HEAD', 'TRACE'];

/** An `http_types.HttpMethod`: registered when it is one of the nine standard methods. */
export function httpMethod(method: string): httpTypes.HttpMethod.$Properties {
  const index = REGISTERED_METHODS.indexOf(method.toUpperCase());
  return index < 0 ? { unregistered: method } : { registered: index as httpTypes.HttpMethod.Registered };
}

/** Converts a ServiceProfile request condition; throws when a match sets no field. */
export function toRequestMatch(m: ProfileRequestMatch): RequestMatchProps {
  const matches: RequestMatchProps[] = [];
  if (m.all) matches.push({ all: { matches: m.all.map(toRequestMatch) } });
  if (m.any) matches.push({ any: { matches: m.any.map(toRequestMatch) } });
  if (m.not) matches.push({ not: toRequestMatch(m.not) });
  if (m.pathRegex) matches.push({ path: { regex: m.pathRegex } });
  if (m.method) matches.push({ method: httpMethod(m.method) });
  if (matches.length === 0)
    throw new Error('a request match must set one of all, any, not, pathRegex, method');
  return matches.length === 1 ? matches[0]! : { all: { matches } };
}

/** Converts a ServiceProfile response condition; throws when a match sets no field. */
export function toResponseMatch(m: ProfileResponseMatch): ResponseMatchProps {
  const matches: ResponseMatchProps[] = [];
  if (m.all) matches.push({ all: { matches: m.all.map(toResponseMatch) } });
  if (m.any) matches.push({ any: { matches: m.any.map(toResponseMatch) } });
  if (m.not) matches.push({ not: toResponseMatch(m.not) });
  if (m.status) matches.push({ status: { min: m.status.min ?? 0, max: m.status.max ?? 0 } });
  if (matches.length === 0) throw new Error('a response match must set one of all, any, not, status');
  return matches.length === 1 ? matches[0]! : { all: { matches } };
}

function goDurationMs(text: string, field: string): number {
  return Number(parseGoDuration(text, field)) / 1e6;
}

/** What a profile is computed for. */
export interface ProfileTarget {
  /** `<svc>.<ns>.svc.<domain>`, no port. */
  readonly fqn: string;
  /** The requested port (added to dst_override authorities without one). */
  readonly port: number;
  /** Whether the port is opaque. */
  readonly opaque: boolean;
  /** The Service, as `parent_ref`. */
  readonly service?: { readonly namespace: string; readonly name: string };
}

/**
 * Translates a ServiceProfile (or its absence) to a `DestinationProfile` as Linkerd's destination
 * service does: routes with `metrics_labels{route}` (routes whose conditions do not convert are
 * dropped and logged), response classes, retryability, timeouts, the retry budget (Linkerd's
 * default when the profile has none, or there is no profile), `dst_overrides` in decimillis
 * (weight 1 = 10000) with the requested port added to bare hosts, `opaque_protocol`,
 * `fully_qualified_name`, `parent_ref` and `profile_ref`.
 */
export function translateServiceProfile(
  sp: ServiceProfile | undefined,
  target: ProfileTarget,
  logger: Logger = nullLogger,
): DestinationProfileProps {
  const out: DestinationProfileProps = {
    routes: [],
    retryBudget: defaultRetryBudget(),
    dstOverrides: [],
    opaqueProtocol: target.opaque,
    fullyQualifiedName: target.fqn,
  };
  if (target.service !== undefined) {
    out.parentRef = {
      resource: {
        group: 'core',
        kind: 'Service',
        name: target.service.name,
        namespace: target.service.namespace,
        port: target.port,
      },
    };
  }
  if (sp === undefined) return out;
  out.profileRef = {
    resource: {
      group: 'linkerd.io',
      kind: 'ServiceProfile',
      name: sp.metadata.name ?? '',
      namespace: sp.metadata.namespace ?? '',
    },
  };
  const spName = `${sp.metadata.namespace}/${sp.metadata.name}`;
  for (const [i, route] of (sp.spec.routes ?? []).entries()) {
    try {
      const r: destination.Route.$Properties = {
        condition: toRequestMatch(route.condition),
        responseClasses: (route.responseClasses ?? []).map((c) => ({
          condition: toResponseMatch(c.condition),
          isFailure: c.isFailure === true,
        })),
        metricsLabels: { route: route.name },
        isRetryable: route.isRetryable === true,
      };
      if (route.timeout) r.timeout = durationFromMillis(goDurationMs(route.timeout, `routes[${i}].timeout`));
      out.routes!.push(r);
    } catch (err) {
      logger.warn(
        { profile: spName, route: route.name, err: (err as Error).message },
        'dropping invalid route',
      );
    }
  }
  const budget = sp.spec.retryBudget;
  if (budget !== undefined) {
    try {
      out.retryBudget = {
        retryRatio: budget.retryRatio,
        minRetriesPerSecond: budget.minRetriesPerSecond,
        ttl: durationFromMillis(goDurationMs(budget.ttl, 'retryBudget.ttl')),
      };
    } catch (err) {
      logger.warn(
        { profile: spName, err: (err as Error).message },
        'invalid retry budget; using the default',
      );
    }
  }
  for (const dst of sp.spec.dstOverrides ?? []) {
    try {
      const weight = Number(quantityMilliValue(parseQuantity(dst.weight, 'dstOverrides.weight')) * 10n);
      const authority = /:\d+$/.test(dst.authority) ? dst.authority : `${dst.authority}:${target.port}`;
      out.dstOverrides!.push({ authority, weight });
    } catch (err) {
      logger.warn({ profile: spName, err: (err as Error).message }, 'dropping invalid dst override');
    }
  }
  return out;
}
