import { ConfigError } from '@skein/core';
import type { ObjectStore } from './object-store.js';
import { type RequestFilter, requestMatches } from './request-log.js';
import { KubeApiError } from './status.js';
import type { WatchHub, WatchPathFilter } from './watch-hub.js';

/** How injected watch failures arrive. */
export interface WatchFailureOptions {
  /** Status code of the failure: 410 (Expired) by default, or e.g. 500. */
  code?: number;
  /**
   * `'event'` (default): the watch starts (200) and sends one ERROR event with the Status, then
   * ends, as the real server reports an expired resourceVersion. `'response'`: the request is
   * answered with the Status and that HTTP code.
   */
  as?: 'event' | 'response';
  /** Only watches on this path (exact string or pattern). */
  path?: string | RegExp;
}

/** A failure waiting for its next matching request. */
export interface PendingFailure {
  remaining: number;
  code: number;
  as: 'event' | 'response';
  filter: RequestFilter;
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError('count', String(count), 'a positive integer');
}

/** The Status an injected failure answers with. */
export function injectedStatus(code: number): KubeApiError {
  if (code === 410)
    return new KubeApiError(410, 'Expired', 'too old resource version (injected by the test)');
  const reason =
    code === 500
      ? 'InternalError'
      : code === 503
        ? 'ServiceUnavailable'
        : code === 429
          ? 'TooManyRequests'
          : 'Unknown';
  return new KubeApiError(code, reason, `injected failure ${code} (by the test)`);
}

/** Fault injection for tests: dropped watches, failing requests, compaction, latency. */
export class KubeFaults {
  readonly #hub: WatchHub;
  readonly #store: ObjectStore;
  readonly #pending: PendingFailure[] = [];
  #latencyMs = 0;

  constructor(hub: WatchHub, store: ObjectStore) {
    this.#hub = hub;
    this.#store = store;
  }

  /**
   * Ends open watches, all or those on `path`. By default the stream ends cleanly (the client
   * sees the response finish, as on a server-side timeout); `abrupt` resets the connection.
   * Returns how many watches were dropped.
   */
  dropWatches(options: { path?: WatchPathFilter; abrupt?: boolean } = {}): number {
    return this.#hub.drop(options.path, options.abrupt === true);
  }

  /** Makes the next `count` watch requests (matching `path`) fail; see {@link WatchFailureOptions}. */
  failNextWatches(count: number, options: WatchFailureOptions = {}): void {
    checkCount(count);
    this.#pending.push({
      remaining: count,
      code: options.code ?? 410,
      as: options.as ?? 'event',
      filter: { watch: true, ...(options.path === undefined ? {} : { path: options.path }) },
    });
  }

  /** Makes the next `count` requests matching `filter` (watches included) answer a Status with `code`. */
  failNextRequests(count: number, code: number, filter: RequestFilter = {}): void {
    checkCount(count);
    if (!Number.isInteger(code) || code < 400 || code > 599)
      throw new ConfigError('code', String(code), 'an HTTP error status 400-599');
    this.#pending.push({ remaining: count, code, as: 'response', filter });
  }

  /**
   * Compacts history as etcd does: afterwards a watch or an exact list from any older
   * resourceVersion gets 410 Gone. Returns the compacted resourceVersion.
   */
  compact(): number {
    return this.#store.compact();
  }

  /** Delay added before every request is handled, in milliseconds. */
  get latencyMs(): number {
    return this.#latencyMs;
  }

  set latencyMs(ms: number) {
    if (!Number.isFinite(ms) || ms < 0)
      throw new ConfigError('latencyMs', String(ms), 'a non-negative number of milliseconds');
    this.#latencyMs = ms;
  }

  /** Clears pending failures and latency. */
  reset(): void {
    this.#pending.length = 0;
    this.#latencyMs = 0;
  }

  /** Takes one pending failure for this request, if any matches (used by the server). @internal */
  take(request: { method: string; path: string; watch: boolean }): PendingFailure | undefined {
    const index = this.#pending.findIndex((p) => requestMatches(p.filter, request));
    if (index < 0) return undefined;
    const failure = this.#pending[index]!;
    failure.remaining--;
    if (failure.remaining === 0) this.#pending.splice(index, 1);
    return failure;
  }
}
