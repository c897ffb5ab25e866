import type { TapEventRecord } from '../aggregate/tap-event-record.js';
import { peerResource } from './resource-names.js';

/** One row of `top`: requests from a source to a destination with one method and path. */
export interface TopRow {
  /** Source (`deploy/web` or `po/web-0`, else the IP). */
  readonly source: string;
  /** Destination. */
  readonly destination: string;
  /** Method. */
  readonly method: string;
  /** Path, without the query string. */
  readonly path: string;
  /** Completed requests. */
  count: number;
  /** Fastest response latency, µs. */
  best: number;
  /** Slowest, µs. */
  worst: number;
  /** Latest, µs. */
  last: number;
  /** Successful requests (status < 500 and gRPC status OK). */
  successes: number;
}

interface Pending {
  readonly key: string;
  readonly source: string;
  readonly destination: string;
  readonly method: string;
  readonly path: string;
  latencyUs?: number;
  failed: boolean;
}

const name = (labels: Readonly<Record<string, string>>, ip: string) => peerResource(labels) ?? ip;

/**
 * `top`'s model: follows tap events by stream id and counts each completed request in its
 * (source, destination, method, path) row with best, worst and last latency and success.
 */
export class TopTable {
  readonly #pending = new Map<string, Pending>();
  readonly #rows = new Map<string, TopRow>();
  readonly #maxPending: number;

  /** @param maxPending - requests followed at once; the oldest is forgotten past this. */
  constructor(maxPending = 10_000) {
    this.#maxPending = maxPending;
  }

  /** Adds an event. */
  add(e: TapEventRecord): void {
    const id = `${e.proxy}|${e.id.base}:${e.id.stream}`;
    if (e.requestInit !== undefined) {
      const path = e.requestInit.path.split('?')[0] ?? '';
      const source = name(e.source.labels, e.source.ip);
      const destination = name(e.destination.labels, e.destination.ip);
      if (this.#pending.size >= this.#maxPending) {
        const oldest = this.#pending.keys().next().value;
        if (oldest !== undefined) this.#pending.delete(oldest);
      }
      this.#pending.set(id, {
        key: `${source}|${destination}|${e.requestInit.method}|${path}`,
        source,
        destination,
        method: e.requestInit.method,
        path,
        failed: false,
      });
      return;
    }
    const p = this.#pending.get(id);
    if (p === undefined) return;
    if (e.responseInit !== undefined) {
      p.latencyUs = e.responseInit.sinceRequestInitUs;
      if (e.responseInit.status >= 500) p.failed = true;
      return;
    }
    const end = e.responseEnd!;
    this.#pending.delete(id);
    if ((end.grpcStatus !== undefined && end.grpcStatus !== 0) || end.resetCode !== undefined)
      p.failed = true;
    const latency = p.latencyUs ?? end.sinceRequestInitUs;
    let row = this.#rows.get(p.key);
    if (row === undefined) {
      row = {
        source: p.source,
        destination: p.destination,
        method: p.method,
        path: p.path,
        count: 0,
        best: latency,
        worst: latency,
        last: latency,
        successes: 0,
      };
      this.#rows.set(p.key, row);
    }
    row.count++;
    row.best = Math.min(row.best, latency);
    row.worst = Math.max(row.worst, latency);
    row.last = latency;
    if (!p.failed) row.successes++;
  }

  /** Rows, most frequent first. */
  rows(): TopRow[] {
    return [...this.#rows.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path));
  }
}

/** A latency as `top` prints it: `850µs`, `12ms`, `1.5s`. */
export function formatLatencyUs(us: number): string {
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${Math.round(us / 1000)}ms`;
  return `${(us / 1_000_000).toFixed(1)}s`;
}

/** Renders rows as `top`'s table (Source, Destination, Method, Path, Count, Best, Worst, Last, Success Rate). */
export function renderTopTable(rows: readonly TopRow[], limit = rows.length): string {
  const header = [
    'Source',
    'Destination',
    'Method',
    'Path',
    'Count',
    'Best',
    'Worst',
    'Last',
    'Success Rate',
  ];
  const body = rows
    .slice(0, limit)
    .map((r) => [
      r.source,
      r.destination,
      r.method,
      r.path,
      String(r.count),
      formatLatencyUs(r.best),
      formatLatencyUs(r.worst),
      formatLatencyUs(r.last),
      `${((100 * r.successes) / r.count).toFixed(2)}%`,
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}
