import type { EndpointUpdate } from '@skein/core';
import type { DiscoveredEndpoint } from '@skein/discovery/model';
import type { Observable } from 'rxjs';

/** What a resolver is asked to resolve: a logical authority. */
export interface ResolveTarget {
  /** Normalized `host:port` (IPv6 in brackets). */
  readonly authority: string;
  /** Host part (no brackets). */
  readonly host: string;
  /** Port. */
  readonly port: number;
}

/**
 * Turns a name into a stream of endpoint-set updates (resolver → balancer → endpoint). The stream
 * starts with the current state (`reset` or `doesNotExist`) and then sends diffs. Errors end the
 * stream; a balancer keeps the last endpoints it had.
 */
export interface Resolver {
  /** Resolves `target`; each subscription is independent. */
  resolve(target: ResolveTarget): Observable<EndpointUpdate<DiscoveredEndpoint>>;
}

/** Splits a normalized authority (`host:port`, `[v6]:port`) into a {@link ResolveTarget}. */
export function resolveTarget(authority: string): ResolveTarget {
  const colon = authority.lastIndexOf(':');
  let host = authority.slice(0, colon);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { authority, host, port: Number(authority.slice(colon + 1)) };
}
