/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query: URLSearchParams;
  /** Whether it was a watch (`?watch=true` or a `/watch/` path). */
  watch: boolean;
  /** The status code answered (for a watch: the code the stream started with). */
  status: number;
}

/** Which requests to count. Unset fields match anything. */
export interface RequestFilter {
  method?: string;
  /** Exact path, or a pattern tested against the path. */
  path?: string | RegExp;
  watch?: boolean;
}

/** Selects requests by method, path and watch-ness. */
export function requestMatches(
  filter: RequestFilter,
  r: Pick<RecordedRequest, 'method' | 'path' | 'watch'>,
): boolean {
  if (filter.method !== undefined && filter.method.toUpperCase() !== r.method) return false;
  if (filter.watch !== undefined && filter.watch !== r.watch) return false;
  if (filter.path === undefined) return true;
  return typeof filter.path === 'string' ? filter.path === r.path : filter.path.test(r.path);
}

/** Every request the server answered, so tests can assert e.g. "one watch per resource kind". */
export class RequestLog {
  #entries: RecordedRequest[] = [];

  /** Appends a request. */
  record(entry: RecordedRequest): void {
    this.#entries.push(entry);
  }

  /** The requests seen, oldest first, optionally filtered. */
  entries(filter: RequestFilter = {}): RecordedRequest[] {
    return this.#entries.filter((e) => requestMatches(filter, e));
  }

  /** How many requests matched. */
  count(filter: RequestFilter = {}): number {
    return this.entries(filter).length;
  }

  /** Forgets every recorded request. */
  clear(): void {
    this.#entries = [];
  }
}
