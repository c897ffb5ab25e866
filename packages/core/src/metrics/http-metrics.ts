import type { CounterFamily } from './counter-family.js';
import type { HistogramFamily } from './histogram-family.js';
import type { LabelSet } from './label-set.js';
import type { CounterSeries, HistogramSeries } from './series.js';

/** Response classification label values. */
export type ResponseClassification = 'success' | 'failure';

/** The families one HTTP target writes to: requests, responses, and (except per-attempt route metrics) latency. */
export interface HttpFamilies {
  /** `*request_total`. */
  readonly requests: CounterFamily;
  /** `*response_total`. */
  readonly responses: CounterFamily;
  /** `*response_latency_ms`; absent for `route_actual_*`. */
  readonly latency?: HistogramFamily;
}

/** The handles for one response class of a target. */
export interface ResponseSeries {
  /** `response_total{…,status_code,classification,grpc_status,error}`. */
  readonly total: CounterSeries;
  /** `response_latency_ms{…,status_code}`, when the target has a latency family. */
  readonly latency: HistogramSeries | undefined;
}

const MAX_CACHED = 1024;

/**
 * The HTTP metrics of one target (an endpoint, a profile route, or a control-plane client),
 * built once when the target is. `requests.inc()` is a field add. `response()` finds the
 * handles for a status through a numeric-keyed cache, so the per-request path builds no strings;
 * only the first response of each (status, classification, gRPC status, error) builds labels.
 *
 * @example
 * ```ts
 * const ep = new HttpTargetMetrics(metrics.http, outboundEndpointLabels({ target, tls }));
 * ep.requests.inc();
 * ep.recordResponse(200, 'success', latencyMs);
 * ```
 */
export class HttpTargetMetrics {
  /** `request_total` for this target. */
  readonly requests: CounterSeries;
  /** The target's labels. */
  readonly labels: LabelSet;
  readonly #families: HttpFamilies;
  readonly #byCode = new Map<number, ResponseSeries>();
  readonly #byError = new Map<string, Map<number, ResponseSeries>>();
  readonly #latencyByStatus = new Map<number, HistogramSeries>();

  constructor(families: HttpFamilies, labels: LabelSet) {
    this.#families = families;
    this.labels = labels;
    this.requests = families.requests.series(labels);
  }

  /**
   * The handles for a response. `grpcStatus` is omitted (rendered `""`) for plain HTTP;
   * `error` is `""` unless the proxy failed the request (e.g. `h2(PROTOCOL_ERROR)`).
   */
  response(
    statusCode: number,
    classification: ResponseClassification,
    grpcStatus?: number,
    error = '',
  ): ResponseSeries {
    const grpc = grpcStatus ?? -1;
    const cacheable =
      statusCode >= 0 &&
      statusCode <= 999 &&
      grpc >= -1 &&
      grpc <= 62 &&
      (statusCode | 0) === statusCode &&
      (grpc | 0) === grpc;
    if (!cacheable) return this.#build(statusCode, classification, grpcStatus, error);
    const key = (statusCode * 64 + grpc + 1) * 2 + (classification === 'failure' ? 1 : 0);
    let map = this.#byCode;
    if (error !== '') {
      let errMap = this.#byError.get(error);
      if (errMap === undefined) {
        errMap = new Map();
        if (this.#byError.size < MAX_CACHED) this.#byError.set(error, errMap);
      }
      map = errMap;
    }
    let hit = map.get(key);
    if (hit === undefined) {
      hit = this.#build(statusCode, classification, grpcStatus, error);
      if (map.size < MAX_CACHED) map.set(key, hit);
    }
    return hit;
  }

  /** Counts a response and records its latency (ms from request headers to the first body frame). */
  recordResponse(
    statusCode: number,
    classification: ResponseClassification,
    latencyMs: number,
    grpcStatus?: number,
    error?: string,
  ): void {
    const r = this.response(statusCode, classification, grpcStatus, error);
    r.total.inc();
    r.latency?.observe(latencyMs);
  }

  #build(
    statusCode: number,
    classification: ResponseClassification,
    grpcStatus: number | undefined,
    error: string,
  ): ResponseSeries {
    const status = String(statusCode);
    const total = this.#families.responses.series(
      this.labels.with([
        ['status_code', status],
        ['classification', classification],
        ['grpc_status', grpcStatus === undefined ? '' : String(grpcStatus)],
        ['error', error],
      ]),
    );
    return { total, latency: this.#latency(statusCode) };
  }

  #latency(statusCode: number): HistogramSeries | undefined {
    const family = this.#families.latency;
    if (family === undefined) return undefined;
    let h = this.#latencyByStatus.get(statusCode);
    if (h === undefined) {
      h = family.series(this.labels.with([['status_code', String(statusCode)]]));
      if (this.#latencyByStatus.size < MAX_CACHED) this.#latencyByStatus.set(statusCode, h);
    }
    return h;
  }
}
