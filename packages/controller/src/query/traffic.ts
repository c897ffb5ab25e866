import type { LabelMatch, MetricsSource } from '../metrics/metrics-source.js';
import { histogramQuantile } from './histogram-quantile.js';

/** Request statistics of one resource over a window. */
export interface TrafficStats {
  /** Fraction of successful responses, 0..1 (null without responses). */
  readonly successRate: number | null;
  /** Responses per second. */
  readonly requestRate: number;
  /** Successful responses per second. */
  readonly successPerSecond: number;
  /** Failed responses per second. */
  readonly failurePerSecond: number;
  /** Latency quantiles in milliseconds (null without observations). */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
}

/** TCP statistics of one resource. */
export interface TcpStats {
  /** Open connections now. */
  readonly openConnections: number;
  /** Bytes read per second. */
  readonly readBytesPerSecond: number;
  /** Bytes written per second. */
  readonly writeBytesPerSecond: number;
}

const key = (labels: Readonly<Record<string, string>>, by: readonly string[]) =>
  by.map((k) => labels[k] ?? '').join('\u0000');

/**
 * Success, rate and latency per group: `response_total` by classification and
 * `response_latency_ms_bucket` by `le`, both summed by `by`. Keys are the `by` values joined
 * by NUL; groups without responses are absent.
 */
export async function trafficByGroup(
  source: MetricsSource,
  prefix: '' | 'route_',
  match: LabelMatch,
  by: readonly string[],
  windowMs: number,
): Promise<Map<string, { labels: Record<string, string>; stats: TrafficStats }>> {
  const [responses, buckets] = await Promise.all([
    source.rate({ metric: `${prefix}response_total`, match, by: [...by, 'classification'], windowMs }),
    source.rate({ metric: `${prefix}response_latency_ms_bucket`, match, by: [...by, 'le'], windowMs }),
  ]);
  const acc = new Map<
    string,
    { labels: Record<string, string>; ok: number; fail: number; buckets: { le: number; value: number }[] }
  >();
  const entry = (labels: Readonly<Record<string, string>>) => {
    const k = key(labels, by);
    let e = acc.get(k);
    if (e === undefined) {
      const picked: Record<string, string> = {};
      for (const b of by) picked[b] = labels[b] ?? '';
      e = { labels: picked, ok: 0, fail: 0, buckets: [] };
      acc.set(k, e);
    }
    return e;
  };
  for (const s of responses) {
    const e = entry(s.labels);
    if (s.labels.classification === 'success') e.ok += s.value;
    else e.fail += s.value;
  }
  for (const s of buckets) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    if (!Number.isNaN(le)) entry(s.labels).buckets.push({ le, value: s.value });
  }
  const out = new Map<string, { labels: Record<string, string>; stats: TrafficStats }>();
  for (const [k, e] of acc) {
    const total = e.ok + e.fail;
    const q = (x: number) => {
      const v = histogramQuantile(x, e.buckets);
      return v === undefined ? null : v;
    };
    out.set(k, {
      labels: e.labels,
      stats: {
        successRate: total > 0 ? e.ok / total : null,
        requestRate: total,
        successPerSecond: e.ok,
        failurePerSecond: e.fail,
        latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
      },
    });
  }
  return out;
}

/** Open connections and byte rates per group (server side: `peer="src"`). */
export async function tcpByGroup(
  source: MetricsSource,
  match: LabelMatch,
  by: readonly string[],
  windowMs: number,
): Promise<Map<string, TcpStats>> {
  const m = { ...match, peer: 'src' };
  const [open, read, write] = await Promise.all([
    source.current({ metric: 'tcp_open_connections', match: m, by }),
    source.rate({ metric: 'tcp_read_bytes_total', match: m, by, windowMs }),
    source.rate({ metric: 'tcp_write_bytes_total', match: m, by, windowMs }),
  ]);
  const out = new Map<
    string,
    { openConnections: number; readBytesPerSecond: number; writeBytesPerSecond: number }
  >();
  const get = (labels: Readonly<Record<string, string>>) => {
    const k = key(labels, by);
    let e = out.get(k);
    if (e === undefined) {
      e = { openConnections: 0, readBytesPerSecond: 0, writeBytesPerSecond: 0 };
      out.set(k, e);
    }
    return e;
  };
  for (const s of open) get(s.labels).openConnections += s.value;
  for (const s of read) get(s.labels).readBytesPerSecond += s.value;
  for (const s of write) get(s.labels).writeBytesPerSecond += s.value;
  return out;
}

/** The join key for `by` values, matching the maps above. */
export function groupKey(values: readonly string[]): string {
  return values.join('\u0000');
}
