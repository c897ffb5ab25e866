import type { Selection } from './list-query.js';
import type { ChangeEvent, ObjectStore } from './object-store.js';
import type { ObjectView } from './object-view.js';
import { type ResourceType, storageKey } from './resource-type.js';
import { badRequest, KubeApiError } from './status.js';
import { type WatchInfo, WatchSession, type WatchSink } from './watch-session.js';

/** What a watch request asked for. */
export interface WatchRequest {
  info: WatchInfo;
  type: ResourceType;
  version: string;
  selection: Selection;
  view: ObjectView;
  params: URLSearchParams;
  sink: WatchSink;
}

/** Options of {@link WatchHub}. */
export interface WatchHubOptions {
  /** How often BOOKMARK events go to watches that allow them. */
  bookmarkIntervalMs: number;
}

/** Filter for choosing open watches (by request path). */
export type WatchPathFilter = string | RegExp | undefined;

function pathMatches(filter: WatchPathFilter, path: string): boolean {
  if (filter === undefined) return true;
  return typeof filter === 'string' ? path === filter : filter.test(path);
}

/**
 * Every open watch. Routes each committed change to the watches of its resource, and starts
 * new watches with the real semantics: no resourceVersion (or `0`) → synthetic ADDED events
 * for the current state first; N → replay of changes after N, or an ERROR 410 event when N is
 * older than the history.
 */
export class WatchHub {
  readonly #store: ObjectStore;
  readonly #options: WatchHubOptions;
  readonly #byKey = new Map<string, Set<WatchSession>>();
  readonly #unsubscribe: () => void;

  constructor(store: ObjectStore, options: WatchHubOptions) {
    this.#store = store;
    this.#options = options;
    this.#unsubscribe = store.subscribe((event) => this.#route(event));
  }

  /** Opens a watch and writes its initial events; errors in the request are thrown before any output. */
  open(request: WatchRequest): WatchSession {
    const { params } = request;
    const rvText = params.get('resourceVersion') ?? '';
    const sendInitial = params.get('sendInitialEvents') === 'true';
    const bookmarks = params.get('allowWatchBookmarks') === 'true';
    if (rvText !== '' && !/^\d+$/.test(rvText))
      throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvText)}: must be an integer`);
    if (sendInitial && (params.get('resourceVersionMatch') !== 'NotOlderThan' || !bookmarks))
      throw badRequest(
        'sendInitialEvents: Forbidden: sendInitialEvents requires resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true',
      );
    const timeoutText = params.get('timeoutSeconds') ?? '';
    const timeoutSeconds = timeoutText === '' ? 0 : Number(timeoutText);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
      throw badRequest(
        `timeoutSeconds: Invalid value: ${JSON.stringify(timeoutText)}: must be a non-negative number`,
      );

    const session = new WatchSession(
      request.info,
      request.type,
      request.version,
      request.selection,
      request.view,
      request.sink,
    );
    const key = storageKey(request.type);
    const replayFromState = rvText === '' || rvText === '0' || sendInitial;
    if (replayFromState) {
      for (const obj of this.#store.current(key, request.selection.namespace)) session.deliverInitial(obj);
      if (sendInitial) session.bookmark(this.#store.resourceVersion, true);
    } else {
      let changes: ChangeEvent[];
      try {
        changes = this.#store.changesAfter(Number(rvText));
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        session.fail(e.status);
        return session;
      }
      for (const change of changes) if (change.key === key) session.deliver(change);
    }
    this.#register(key, session);
    if (bookmarks) {
      const timer = setInterval(
        () => session.bookmark(this.#store.resourceVersion),
        this.#options.bookmarkIntervalMs,
      );
      session.onClose(() => clearInterval(timer));
    }
    if (timeoutSeconds > 0) {
      const timer = setTimeout(() => session.close(), timeoutSeconds * 1000);
      session.onClose(() => clearTimeout(timer));
    }
    return session;
  }

  /** Open watches, optionally only those whose path matches. */
  sessions(path?: WatchPathFilter): WatchSession[] {
    const out: WatchSession[] = [];
    for (const set of this.#byKey.values())
      for (const s of set) if (pathMatches(path, s.info.path)) out.push(s);
    return out;
  }

  /** Ends matching watches (cleanly, or by resetting the connection); returns how many. */
  drop(path: WatchPathFilter, abrupt: boolean): number {
    const victims = this.sessions(path);
    for (const s of victims) s.close(abrupt);
    return victims.length;
  }

  /** Ends every watch and stops listening to the store. */
  close(): void {
    this.drop(undefined, false);
    this.#unsubscribe();
  }

  #register(key: string, session: WatchSession): void {
    if (session.closed) return;
    let set = this.#byKey.get(key);
    if (set === undefined) {
      set = new Set();
      this.#byKey.set(key, set);
    }
    set.add(session);
    session.onClose(() => set.delete(session));
  }

  #route(event: ChangeEvent): void {
    const set = this.#byKey.get(event.key);
    if (set === undefined) return;
    for (const session of set) session.deliver(event);
  }
}
