import { CounterFamily } from './counter-family.js';
import type { FamilyOptions, MetricFamily, MetricsRegistry } from './family.js';
import { GaugeFamily } from './gauge-family.js';
import { HistogramFamily } from './histogram-family.js';
import { type HttpFamilies, HttpTargetMetrics } from './http-metrics.js';
import type { LabelSet } from './label-set.js';
import { controlLabels } from './linkerd-labels.js';
import { RouteTargetMetrics } from './route-metrics.js';
import type { CounterSeries, Series } from './series.js';
import { type TcpFamilies, TcpTargetMetrics } from './tcp-metrics.js';

/** `response_latency_ms` buckets in milliseconds (+Inf is implied), as linkerd2-proxy uses. */
export const LATENCY_MS_BUCKETS: readonly number[] = Object.freeze([
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000,
  30000, 40000, 50000,
]);

/** Options for {@link LegacyMetrics}. */
export interface LegacyMetricsOptions {
  /**
   * Registers every family here so `registry.metrics()` includes them. Leave it out when the
   * admin server writes {@link LegacyMetrics.render} before the registry's own output, as
   * linkerd2-proxy's `/metrics` does, so nothing is printed twice.
   */
  readonly registry?: MetricsRegistry;
  /** `LINKERD2_PROXY_METRICS_RETAIN_IDLE` in ms (default 10 min; 0 keeps series forever). */
  readonly retainIdleMs?: number;
  /** Series cap per family (default 10 000). */
  readonly maxSeriesPerFamily?: number;
  /** Monotonic clock in ms; defaults to `performance.now`. */
  readonly now?: () => number;
}

/** The `error` kinds of the `{inbound,outbound}_{http,tcp}_errors_total` families. */
export type ErrorFamily = 'inbound_http' | 'inbound_tcp' | 'outbound_http' | 'outbound_tcp';

/**
 * linkerd2-proxy's legacy metric families (spec §5.1–§5.3) with their exact names and buckets,
 * plus `skein_metrics_series_dropped_total{family}` counting series refused by the cap. Build
 * per-target handles with `httpTarget`, `routeTarget`, `controlTarget` and `tcpTarget` when a
 * target is built; use label builders such as `outboundEndpointLabels` for Linkerd's label order.
 */
export class LegacyMetrics {
  /** `request_total`, `response_total`, `response_latency_ms`. */
  readonly http: HttpFamilies;
  /** `route_request_total`, `route_response_total`, `route_response_latency_ms`. */
  readonly route: HttpFamilies;
  /** `route_actual_request_total`, `route_actual_response_total`. */
  readonly routeActual: HttpFamilies;
  /** `route_retryable_total`. */
  readonly routeRetryable: CounterFamily;
  /** `control_request_total`, `control_response_total`, `control_response_latency_ms`. */
  readonly control: HttpFamilies;
  /** `tcp_*`. */
  readonly tcp: TcpFamilies;
  /** Inbound policy counters. */
  readonly authz: {
    readonly httpAllow: CounterFamily;
    readonly httpDeny: CounterFamily;
    readonly httpRouteNotFound: CounterFamily;
    readonly httpLocalRateLimit: CounterFamily;
    readonly tcpAllow: CounterFamily;
    readonly tcpDeny: CounterFamily;
    readonly tcpTerminate: CounterFamily;
  };
  /** `{inbound,outbound}_{http,tcp}_errors_total`, labelled `error`. */
  readonly errors: Readonly<Record<ErrorFamily, CounterFamily>>;
  /** `skein_metrics_series_dropped_total{family}`. */
  readonly seriesDropped: CounterFamily;
  readonly #families: MetricFamily<Series>[] = [];
  readonly #errorSeries = new Map<CounterFamily, Map<string, CounterSeries>>();

  constructor(options: LegacyMetricsOptions = {}) {
    const dropped = new CounterFamily({
      name: 'skein_metrics_series_dropped_total',
      help: 'Series refused because their family reached its series cap (cardinality protection).',
      registry: options.registry,
      retainIdleMs: 0,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    this.seriesDropped = dropped;
    const droppedByFamily = new Map<string, CounterSeries>();
    const base: Omit<FamilyOptions, 'name' | 'help'> = {
      registry: options.registry,
      retainIdleMs: options.retainIdleMs,
      maxSeries: options.maxSeriesPerFamily,
      now: options.now,
      onDrop: (family) => {
        let s = droppedByFamily.get(family);
        if (s === undefined) {
          s = dropped.series([['family', family]]);
          droppedByFamily.set(family, s);
        }
        s.inc();
      },
    };
    const counter = (name: string, help: string) => this.#add(new CounterFamily({ ...base, name, help }));
    const gauge = (name: string, help: string) => this.#add(new GaugeFamily({ ...base, name, help }));
    const latency = (name: string, help: string) =>
      this.#add(new HistogramFamily({ ...base, name, help, buckets: LATENCY_MS_BUCKETS }));

    const latencyHelp = 'Milliseconds from receiving the request headers to the first response body frame';
    this.http = {
      requests: counter('request_total', 'Total HTTP requests.'),
      responses: counter('response_total', 'Total HTTP responses.'),
      latency: latency('response_latency_ms', `${latencyHelp}.`),
    };
    this.route = {
      requests: counter('route_request_total', 'Total HTTP requests per ServiceProfile route.'),
      responses: counter('route_response_total', 'Total HTTP responses per ServiceProfile route.'),
      latency: latency('route_response_latency_ms', `${latencyHelp}, per ServiceProfile route.`),
    };
    this.routeActual = {
      requests: counter(
        'route_actual_request_total',
        'Total HTTP request attempts (retries included) per route.',
      ),
      responses: counter('route_actual_response_total', 'Total HTTP responses to attempts per route.'),
    };
    this.routeRetryable = counter(
      'route_retryable_total',
      'Retryable responses per route; skipped="no_budget" when the retry budget refused the retry.',
    );
    this.control = {
      requests: counter('control_request_total', 'Total requests to control-plane components.'),
      responses: counter('control_response_total', 'Total responses from control-plane components.'),
      latency: latency('control_response_latency_ms', `${latencyHelp}, for control-plane components.`),
    };
    this.tcp = {
      openTotal: counter('tcp_open_total', 'Total TCP connections opened.'),
      closeTotal: counter('tcp_close_total', 'Total TCP connections closed, by errno ("" when clean).'),
      openConnections: gauge('tcp_open_connections', 'TCP connections currently open.'),
      readBytes: counter('tcp_read_bytes_total', 'Total bytes read from peers.'),
      writeBytes: counter('tcp_write_bytes_total', 'Total bytes written to peers.'),
    };
    this.authz = {
      httpAllow: counter('inbound_http_authz_allow_total', 'Inbound HTTP requests allowed by policy.'),
      httpDeny: counter('inbound_http_authz_deny_total', 'Inbound HTTP requests denied by policy.'),
      httpRouteNotFound: counter(
        'inbound_http_route_not_found_total',
        'Inbound HTTP requests matching no route.',
      ),
      httpLocalRateLimit: counter(
        'inbound_http_local_ratelimit_total',
        'Inbound HTTP requests refused by a local rate limit.',
      ),
      tcpAllow: counter('inbound_tcp_authz_allow_total', 'Inbound TCP connections allowed by policy.'),
      tcpDeny: counter('inbound_tcp_authz_deny_total', 'Inbound TCP connections denied by policy.'),
      tcpTerminate: counter(
        'inbound_tcp_authz_terminate_total',
        'Inbound TCP connections closed after a policy change.',
      ),
    };
    this.errors = {
      inbound_http: counter(
        'inbound_http_errors_total',
        'Inbound HTTP requests that failed in the proxy, by error.',
      ),
      inbound_tcp: counter(
        'inbound_tcp_errors_total',
        'Inbound TCP connections that failed in the proxy, by error.',
      ),
      outbound_http: counter(
        'outbound_http_errors_total',
        'Outbound HTTP requests that failed in the proxy, by error.',
      ),
      outbound_tcp: counter(
        'outbound_tcp_errors_total',
        'Outbound TCP connections that failed in the proxy, by error.',
      ),
    };
  }

  /** Every legacy family in render order (the dropped-series counter last). */
  families(): readonly MetricFamily<Series>[] {
    return [...this.#families, this.seriesDropped];
  }

  /** HTTP metrics for an endpoint or inbound target. */
  httpTarget(labels: LabelSet): HttpTargetMetrics {
    return new HttpTargetMetrics(this.http, labels);
  }

  /** Metrics for a ServiceProfile route (see `routeLabels`). */
  routeTarget(labels: LabelSet): RouteTargetMetrics {
    return new RouteTargetMetrics(this.route, this.routeActual, this.routeRetryable, labels);
  }

  /** Metrics for a control-plane client, labelled `addr`. */
  controlTarget(addr: string): HttpTargetMetrics {
    return new HttpTargetMetrics(this.control, controlLabels(addr));
  }

  /** TCP metrics for a listener target or endpoint. */
  tcpTarget(labels: LabelSet): TcpTargetMetrics {
    return new TcpTargetMetrics(this.tcp, labels);
  }

  /**
   * The `error="<error>"` series of an errors family, cached per error value (Linkerd's outbound
   * values are `loadshed`, `failfast`, `identity required`, `i/o`, `response timeout`, `unexpected`).
   */
  error(family: ErrorFamily, error: string): CounterSeries {
    const fam = this.errors[family];
    let byError = this.#errorSeries.get(fam);
    if (byError === undefined) {
      byError = new Map();
      this.#errorSeries.set(fam, byError);
    }
    let s = byError.get(error);
    if (s === undefined) {
      s = fam.series([['error', error]]);
      if (byError.size < 256) byError.set(error, s);
    }
    return s;
  }

  /** The legacy families in the text format, as the first part of the admin server's `/metrics`. */
  render(): string {
    return this.families()
      .map((f) => f.render())
      .join('');
  }

  /** Expires idle series in every family; returns how many were removed. */
  sweep(): number {
    return this.families().reduce((n, f) => n + f.sweep(), 0);
  }

  #add<F extends MetricFamily<Series>>(family: F): F {
    this.#families.push(family);
    return family;
  }
}
