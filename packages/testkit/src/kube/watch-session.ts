import type { StoredObject } from './kube-object.js';
import type { Selection } from './list-query.js';
import { selects } from './list-query.js';
import type { ChangeEvent } from './object-store.js';
import { type ObjectView, viewObject } from './object-view.js';
import { groupVersion, type ResourceType } from './resource-type.js';
import type { KubeStatus } from './status.js';

/** Where a watch writes: the HTTP response, seen through the three things a watch does with it. */
export interface WatchSink {
  write(chunk: string): void;
  end(): void;
  destroy(): void;
}

/** What an open watch is, for tests that assert on the watches a component keeps. */
export interface WatchInfo {
  /** The request path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  /** The resource, `pods` or `deployments.apps`. */
  resource: string;
  /** The namespace watched, or undefined for all namespaces or cluster-scoped kinds. */
  namespace: string | undefined;
  labelSelector: string;
  fieldSelector: string;
  /** The resourceVersion the watch started from (`''` when unset). */
  resourceVersion: string;
  /** Whether BOOKMARK events were asked for. */
  bookmarks: boolean;
}

/** The type of a watch event line. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One open watch stream: filters changes for its selection and writes them as JSON lines. */
export class WatchSession {
  readonly info: WatchInfo;
  readonly type: ResourceType;
  readonly #version: string;
  readonly #selection: Selection;
  readonly #view: ObjectView;
  readonly #sink: WatchSink;
  #closed = false;
  #onClose: Array<() => void> = [];

  constructor(
    info: WatchInfo,
    type: ResourceType,
    version: string,
    selection: Selection,
    view: ObjectView,
    sink: WatchSink,
  ) {
    this.info = info;
    this.type = type;
    this.#version = version;
    this.#selection = selection;
    this.#view = view;
    this.#sink = sink;
  }

  /** Whether the stream has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `fn` once when the session closes (timers, hub registration). */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#onClose.push(fn);
  }

  /**
   * Sends what a change means for this selection: an object that starts matching is ADDED, one
   * that stops matching is DELETED, as the real watch filter does.
   */
  deliver(event: ChangeEvent): void {
    const now = selects(this.#selection, event.object);
    if (event.type === 'ADDED') {
      if (now) this.#send('ADDED', event.object);
    } else if (event.type === 'DELETED') {
      if (selects(this.#selection, event.previous ?? event.object)) this.#send('DELETED', event.object);
    } else {
      const before = event.previous !== undefined && selects(this.#selection, event.previous);
      if (before && now) this.#send('MODIFIED', event.object);
      else if (now) this.#send('ADDED', event.object);
      else if (before) this.#send('DELETED', event.object);
    }
  }

  /** Sends a synthetic ADDED for an object of the initial state, if it matches. */
  deliverInitial(obj: StoredObject): void {
    if (selects(this.#selection, obj)) this.#send('ADDED', obj);
  }

  /** Sends a BOOKMARK at `rv`, optionally marking the end of initial events. */
  bookmark(rv: number, initialEventsEnd = false): void {
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const object = {
      kind: this.type.kind,
      apiVersion: groupVersion(this.type.group, this.#version),
      metadata,
    };
    this.#writeLine('BOOKMARK', object);
  }

  /** Sends an ERROR event carrying a Status, then ends the stream (as the real server does). */
  fail(status: KubeStatus): void {
    this.#writeLine('ERROR', status);
    this.close();
  }

  /** Ends the stream cleanly, or resets the connection when `abrupt`. */
  close(abrupt = false): void {
    if (this.#closed) return;
    this.#closed = true;
    if (abrupt) this.#sink.destroy();
    else this.#sink.end();
    const fns = this.#onClose;
    this.#onClose = [];
    for (const fn of fns) fn();
  }

  #send(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: StoredObject): void {
    this.#writeLine(type, viewObject(obj, this.type, this.#version, this.#view));
  }

  #writeLine(type: WatchEventType, object: unknown): void {
    if (this.#closed) return;
    this.#sink.write(`${JSON.stringify({ type, object })}\n`);
  }
}
