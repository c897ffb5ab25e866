import type { TapEventRecord, TapPeerRecord } from '../api/api-types.js';

/** One tapped request, assembled from its request, response and end events. */
export interface TapRow {
  /** Unique per row. */
  readonly key: string;
  /** When its first event arrived, ms since the epoch. */
  readonly seenAt: number;
  readonly direction: 'inbound' | 'outbound' | 'unknown';
  /** The reporting proxy's pod (`namespace/name`). */
  readonly proxy: string;
  readonly source: string;
  readonly destination: string;
  /** Address and identity of each side, for a tooltip. */
  readonly sourceDetail: string;
  readonly destinationDetail: string;
  /** Whether the connection was mTLS (`tls` label `true`). */
  readonly secured: boolean;
  readonly method: string | undefined;
  readonly authority: string | undefined;
  readonly path: string | undefined;
  readonly route: string | undefined;
  readonly status: number | undefined;
  /** Request head to response head, µs. */
  readonly latencyUs: number | undefined;
  /** Request head to end of stream, µs. */
  readonly durationUs: number | undefined;
  readonly responseBytes: number | undefined;
  readonly grpcStatus: number | undefined;
  /** Whether the response ended. */
  readonly done: boolean;
}

function address(peer: TapPeerRecord): string {
  return peer.ip.includes(':') ? `[${peer.ip}]:${peer.port}` : `${peer.ip}:${peer.port}`;
}

/**
 * A tap peer as a person reads it: its workload (`deploy/web`), else the service account and
 * namespace of its mTLS identity (`vote-bot.emojivoto`), else `ip:port`.
 */
export function peerName(peer: TapPeerRecord): string {
  const l = peer.labels;
  for (const kind of ['deployment', 'statefulset', 'daemonset', 'job', 'pod']) {
    const v = l[kind];
    if (v !== undefined && v !== '') return `${kind === 'deployment' ? 'deploy' : kind}/${v}`;
  }
  const id = l.client_id ?? l.server_id;
  const m = id === undefined ? null : /^([^.]+)\.([^.]+)\.serviceaccount\./.exec(id);
  return m === null ? address(peer) : `${m[1]}.${m[2]}`;
}

function peerDetail(peer: TapPeerRecord): string {
  const id = peer.labels.client_id ?? peer.labels.server_id;
  return id === undefined ? address(peer) : `${address(peer)} (${id})`;
}

/**
 * Folds tap events into rows, newest first, keeping at most `limit` rows. Events are matched to
 * their request by proxy, direction and id; an id seen again on a new request starts a new row
 * (ids repeat across a connection's requests on some proxies), and response events go to the
 * latest request with that id. Events of a request whose row is gone are dropped.
 */
export class TapRowFolder {
  readonly #rows = new Map<string, TapRow>();
  /** Request id → the key of its latest row. */
  readonly #latest = new Map<string, string>();
  readonly #limit: number;
  #events = 0;
  #seq = 0;

  constructor(limit = 200) {
    this.#limit = limit;
  }

  /** Events folded so far. */
  get events(): number {
    return this.#events;
  }

  /** Adds one event. */
  add(e: TapEventRecord, now: number): void {
    this.#events++;
    const id = `${e.proxy}|${e.id.base}:${e.id.stream}|${e.direction}`;
    if (e.type === 'requestInit') {
      const r = e.requestInit;
      const key = `${id}#${this.#seq++}`;
      this.#latest.set(id, key);
      this.#rows.set(key, {
        key,
        seenAt: now,
        direction: e.direction,
        proxy: e.proxy,
        source: peerName(e.source),
        destination: peerName(e.destination),
        sourceDetail: peerDetail(e.source),
        destinationDetail: peerDetail(e.destination),
        secured: (e.direction === 'inbound' ? e.source : e.destination).labels.tls === 'true',
        method: r?.method,
        authority: r?.authority,
        path: r?.path,
        route: e.routeLabels.route,
        status: undefined,
        latencyUs: undefined,
        durationUs: undefined,
        responseBytes: undefined,
        grpcStatus: undefined,
        done: false,
      });
      while (this.#rows.size > this.#limit) {
        const oldest = this.#rows.keys().next().value!;
        this.#rows.delete(oldest);
        const oldId = oldest.slice(0, oldest.lastIndexOf('#'));
        if (this.#latest.get(oldId) === oldest) this.#latest.delete(oldId);
      }
      return;
    }
    const key = this.#latest.get(id);
    const row = key === undefined ? undefined : this.#rows.get(key);
    if (key === undefined || row === undefined) return;
    if (e.type === 'responseInit' && e.responseInit !== undefined) {
      this.#rows.set(key, {
        ...row,
        status: e.responseInit.status,
        latencyUs: e.responseInit.sinceRequestInitUs,
      });
    } else if (e.type === 'responseEnd' && e.responseEnd !== undefined) {
      this.#rows.set(key, {
        ...row,
        durationUs: e.responseEnd.sinceRequestInitUs,
        responseBytes: e.responseEnd.responseBytes,
        grpcStatus: e.responseEnd.grpcStatus,
        done: true,
      });
    }
  }

  /** The rows, newest first. */
  rows(): TapRow[] {
    return [...this.#rows.values()].reverse();
  }

  /** Forgets every row. */
  clear(): void {
    this.#rows.clear();
    this.#latest.clear();
    this.#events = 0;
  }
}
