import type { tap } from '@skein/core/proto';
import { TapRequestError } from '../tap-errors.js';
import type { TapTarget } from './tap-target.js';

type MatchMessage = tap.ObserveRequest.Match.$Properties;

/** What a user asks the aggregator for (`skein tap` flags). */
export interface TapByResourceRequest {
  /** The resource to tap. */
  readonly target: TapTarget;
  /** Only requests to this resource (`--to`): becomes destination-label matches. */
  readonly to?: TapTarget;
  /** Requests per second, split across the target's pods (default 100; `--max-rps`). */
  readonly maxRps?: number;
  /** Only this method (`--method`). */
  readonly method?: string;
  /** Only this scheme (`--scheme`). */
  readonly scheme?: string;
  /** Only this exact authority (`--authority`). */
  readonly authority?: string;
  /** Only paths with this prefix (`--path`). */
  readonly path?: string;
  /** Whether to extract headers (`-o json` asks for them). */
  readonly extractHeaders?: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'HEAD', 'TRACE'];

/** The default of `--max-rps`. */
export const DEFAULT_TAP_MAX_RPS = 100;

/**
 * Builds the per-proxy `Match` for a tap request, as Linkerd does: the HTTP filters, and for
 * `--to` the destination labels (`namespace` and the kind's label, e.g. `deployment=web`).
 * Returns undefined when nothing filters (match everything).
 * @throws {@link TapRequestError} for an invalid method or scheme.
 */
export function tapMatchFor(request: TapByResourceRequest): MatchMessage | undefined {
  const all: MatchMessage[] = [];
  if (request.to !== undefined) {
    const to = request.to;
    if (to.kind !== 'namespace') all.push({ destinationLabel: { key: 'namespace', value: to.namespace } });
    if (to.name !== undefined) {
      all.push({
        destinationLabel: { key: to.kind === 'namespace' ? 'namespace' : to.kind, value: to.name },
      });
    }
  }
  if (request.method !== undefined) {
    const m = request.method.toUpperCase();
    if (!/^[A-Z]+$/.test(m))
      throw new TapRequestError(`method: expected an HTTP method such as GET, got "${request.method}"`);
    const i = METHODS.indexOf(m);
    all.push({ http: { method: i >= 0 ? { registered: i } : { unregistered: m } } });
  }
  if (request.scheme !== undefined) {
    const s = request.scheme.toLowerCase();
    if (s !== 'http' && s !== 'https')
      throw new TapRequestError(`scheme: expected http or https, got "${request.scheme}"`);
    all.push({ http: { scheme: { registered: s === 'http' ? 0 : 1 } } });
  }
  if (request.authority !== undefined) all.push({ http: { authority: { exact: request.authority } } });
  if (request.path !== undefined) all.push({ http: { path: { prefix: request.path } } });
  if (all.length === 0) return undefined;
  return all.length === 1 ? all[0] : { all: { matches: all } };
}

/** Requests per second for each of `pods` pods: an even split, at least 1. */
export function rpsPerPod(maxRps: number, pods: number): number {
  if (!(maxRps > 0)) throw new TapRequestError(`maxRps: expected a positive number, got ${maxRps}`);
  return Math.max(1, Math.floor(maxRps / Math.max(1, pods)));
}
