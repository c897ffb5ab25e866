import { MetricsUnavailableError } from '../errors.js';
import type {
  AggregatedSample,
  LabelMatch,
  MetricsSource,
  RateQuery,
  SeriesQuery,
} from './metrics-source.js';

/** Options of {@link PrometheusMetricsSource}. */
export interface PrometheusSourceOptions {
  /** Base URL of Prometheus (`http://prometheus.linkerd-viz.svc:9090`). */
  readonly url: string;
  /** Per-query timeout (default 10 s). */
  readonly timeoutMs?: number;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Renders a label match as a PromQL selector body (`k="v",k2=~"a|b"`). */
export function promqlSelector(match: LabelMatch): string {
  return Object.entries(match)
    .map(([k, m]) => {
      if (typeof m === 'string') return `${k}=${quote(m)}`;
      if ('oneOf' in m)
        return `${k}=~${quote(m.oneOf.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`;
      return `${k}=~${quote(m.regex)}`;
    })
    .join(',');
}

/** `sum by (…) (rate(metric{…}[Ns]))`. */
export function promqlRate(q: RateQuery): string {
  return `sum by (${q.by.join(', ')}) (rate(${q.metric}{${promqlSelector(q.match)}}[${Math.max(1, Math.round(q.windowMs / 1000))}s]))`;
}

/** `sum by (…) (metric{…})`. */
export function promqlCurrent(q: SeriesQuery): string {
  return `sum by (${q.by.join(', ')}) (${q.metric}{${promqlSelector(q.match)}})`;
}

interface VectorResponse {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/**
 * The production metrics path: Prometheus's HTTP query API (`/api/v1/query`), scraping the
 * proxies with the target labels the controller expects (see {@link prometheusScrapeConfig}).
 */
export class PrometheusMetricsSource implements MetricsSource {
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: PrometheusSourceOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  rate(query: RateQuery): Promise<AggregatedSample[]> {
    return this.query(promqlRate(query), query.by);
  }

  current(query: SeriesQuery): Promise<AggregatedSample[]> {
    return this.query(promqlCurrent(query), query.by);
  }

  /** Runs an instant query and returns its vector with the `by` labels filled. */
  async query(promql: string, by: readonly string[]): Promise<AggregatedSample[]> {
    const url = `${this.#url}/api/v1/query?query=${encodeURIComponent(promql)}`;
    let body: VectorResponse;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      body = (await res.json()) as VectorResponse;
      if (!res.ok && body.error === undefined) throw new Error(`HTTP ${res.status}`);
    } catch (cause) {
      throw new MetricsUnavailableError(
        `Prometheus at ${this.#url} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    if (body.status !== 'success' || body.data?.resultType !== 'vector') {
      throw new MetricsUnavailableError(
        `Prometheus at ${this.#url} refused ${promql}: ${body.error ?? body.status}`,
      );
    }
    const out: AggregatedSample[] = [];
    for (const r of body.data.result) {
      const value = Number(r.value[1]);
      if (!Number.isFinite(value)) continue;
      const labels: Record<string, string> = {};
      for (const k of by) labels[k] = r.metric[k] ?? '';
      out.push({ labels, value });
    }
    return out;
  }
}
