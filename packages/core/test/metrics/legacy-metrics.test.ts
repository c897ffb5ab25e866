import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerBuildInfo } from '../../src/metrics/build-info.js';
import { IdentityCertMetrics } from '../../src/metrics/identity-metrics.js';
import { LATENCY_MS_BUCKETS, LegacyMetrics } from '../../src/metrics/legacy-metrics.js';
import {
  authzLabels,
  inboundEndpointLabels,
  outboundEndpointLabels,
  routeLabels,
  tcpClientLabels,
  tcpServerLabels,
} from '../../src/metrics/linkerd-labels.js';
import { registerProcessMetrics } from '../../src/metrics/process-metrics.js';
import { promtoolCheck, unexpectedProblems } from './promtool.js';

const OUTBOUND = outboundEndpointLabels({
  authority: 'web.default.svc.cluster.local:8080',
  target: { ip: '10.42.1.24', port: 8080 },
  tls: { tls: 'true', serverId: 'web.default.serviceaccount.identity.linkerd.cluster.local' },
  dst: { service: 'web', namespace: 'default', pod: 'web-1', deployment: 'web', serviceaccount: 'web' },
});
const OUTBOUND_TEXT =
  'direction="outbound",authority="web.default.svc.cluster.local:8080",target_addr="10.42.1.24:8080",' +
  'target_ip="10.42.1.24",target_port="8080",tls="true",server_id="web.default.serviceaccount.identity.linkerd.cluster.local",' +
  'dst_deployment="web",dst_namespace="default",dst_pod="web-1",dst_service="web",dst_serviceaccount="web"';

const INBOUND = inboundEndpointLabels({
  target: { ip: '0.0.0.0', port: 4191 },
  tls: { tls: 'no_identity', reason: 'no_tls_from_remote' },
  server: { group: '', kind: 'default', name: 'all-unauthenticated', port: 4191 },
  route: { group: '', kind: 'default', name: 'default' },
  authz: { group: '', kind: 'default', name: 'all-unauthenticated' },
});
const INBOUND_TEXT =
  'direction="inbound",target_addr="0.0.0.0:4191",target_ip="0.0.0.0",target_port="4191",tls="no_identity",' +
  'no_tls_reason="no_tls_from_remote",srv_group="",srv_kind="default",srv_name="all-unauthenticated",srv_port="4191",' +
  'route_group="",route_kind="default",route_name="default",authz_group="",authz_kind="default",authz_name="all-unauthenticated"';

const NAMES = [
  'request_total',
  'response_total',
  'response_latency_ms',
  'route_request_total',
  'route_response_total',
  'route_response_latency_ms',
  'route_actual_request_total',
  'route_actual_response_total',
  'route_retryable_total',
  'control_request_total',
  'control_response_total',
  'control_response_latency_ms',
  'tcp_open_total',
  'tcp_close_total',
  'tcp_open_connections',
  'tcp_read_bytes_total',
  'tcp_write_bytes_total',
  'inbound_http_authz_allow_total',
  'inbound_http_authz_deny_total',
  'inbound_http_route_not_found_total',
  'inbound_http_local_ratelimit_total',
  'inbound_tcp_authz_allow_total',
  'inbound_tcp_authz_deny_total',
  'inbound_tcp_authz_terminate_total',
  'inbound_http_errors_total',
  'inbound_tcp_errors_total',
  'outbound_http_errors_total',
  'outbound_tcp_errors_total',
  'skein_metrics_series_dropped_total',
];

describe('LegacyMetrics', () => {
  it('has the Linkerd family names, types and latency buckets', () => {
    const m = new LegacyMetrics();
    expect(m.families().map((f) => f.name)).toEqual(NAMES);
    const types = Object.fromEntries(m.families().map((f) => [f.name, f.type]));
    expect(types.tcp_open_connections).toBe('gauge');
    expect(types.response_latency_ms).toBe('histogram');
    expect(types.request_total).toBe('counter');
    expect(LATENCY_MS_BUCKETS).toEqual([
      1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000,
      30000, 40000, 50000,
    ]);
    for (const f of [m.http.latency, m.route.latency, m.control.latency])
      expect(f?.buckets).toEqual(LATENCY_MS_BUCKETS);
    expect(m.routeActual.latency).toBeUndefined();
  });

  it('renders outbound endpoint series in Linkerd label order', () => {
    const m = new LegacyMetrics();
    const ep = m.httpTarget(OUTBOUND);
    ep.requests.inc();
    ep.requests.inc();
    ep.recordResponse(503, 'failure', 37);
    ep.recordResponse(200, 'success', 1);
    ep.recordResponse(200, 'failure', 12, 14);
    ep.recordResponse(502, 'failure', 3000, undefined, 'h2(PROTOCOL_ERROR)');
    const text = m.render();
    expect(text).toContain(`request_total{${OUTBOUND_TEXT}} 2\n`);
    expect(text).toContain(
      `response_total{${OUTBOUND_TEXT},status_code="503",classification="failure",grpc_status="",error=""} 1\n`,
    );
    expect(text).toContain(
      `response_total{${OUTBOUND_TEXT},status_code="200",classification="success",grpc_status="",error=""} 1\n`,
    );
    expect(text).toContain(
      `response_total{${OUTBOUND_TEXT},status_code="200",classification="failure",grpc_status="14",error=""} 1\n`,
    );
    expect(text).toContain(
      `response_total{${OUTBOUND_TEXT},status_code="502",classification="failure",grpc_status="",error="h2(PROTOCOL_ERROR)"} 1\n`,
    );
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="503",le="40"} 1\n`);
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="503",le="30"} 0\n`);
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="200",le="1"} 1\n`);
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="200",le="20"} 2\n`);
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="502",le="2000"} 0\n`);
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="502",le="3000"} 1\n`);
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="200",le="+Inf"} 2\n`);
    expect(text).toContain(`response_latency_ms_count{${OUTBOUND_TEXT},status_code="200"} 2\n`);
    expect(text).toContain(`response_latency_ms_sum{${OUTBOUND_TEXT},status_code="200"} 13\n`);
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith('response_latency_ms_bucket') && l.includes('status_code="503"'));
    expect(buckets.map((l) => /le="([^"]+)"/.exec(l)![1])).toEqual([
      ...LATENCY_MS_BUCKETS.map(String),
      '+Inf',
    ]);
  });

  it('renders inbound, route, control, tcp, authz and error series', () => {
    const m = new LegacyMetrics();
    m.httpTarget(INBOUND).recordResponse(503, 'failure', 2);
    const route = m.routeTarget(
      routeLabels({
        direction: 'outbound',
        dst: 'web.default.svc.cluster.local:80',
        routeLabels: { route: 'GET /books/{id}' },
      }),
    );
    route.route.requests.inc();
    route.route.recordResponse(200, 'success', 4);
    route.actual.requests.inc(2);
    route.actual.recordResponse(500, 'failure', 0);
    route.retryable();
    route.retryable(true);
    m.controlTarget('linkerd-dst-headless.linkerd.svc.cluster.local:8086').recordResponse(
      200,
      'success',
      5,
      0,
    );
    const srv = m.tcpTarget(
      tcpServerLabels({
        direction: 'inbound',
        target: { ip: '10.1.1.1', port: 8080 },
        tls: { tls: 'disabled' },
        server: { group: 'policy.linkerd.io', kind: 'server', name: 'web', port: 8080 },
      }),
    );
    srv.opened();
    srv.opened();
    srv.read(100);
    srv.wrote(42);
    srv.closed();
    const client = m.tcpTarget(
      tcpClientLabels({ tls: { tls: 'no_identity', reason: 'not_provided_by_service_discovery' } }),
    );
    client.opened();
    client.closed('ECONNRESET');
    m.authz.httpAllow
      .series(
        authzLabels({
          target: { ip: '10.1.1.1', port: 8080 },
          server: { group: 'policy.linkerd.io', kind: 'server', name: 'web', port: 8080 },
          authz: { group: 'policy.linkerd.io', kind: 'authorizationpolicy', name: 'web' },
          tls: { tls: 'true', clientId: 'a.ns.serviceaccount.identity.linkerd.cluster.local' },
        }),
      )
      .inc();
    m.error('outbound_http', 'failfast').inc();
    m.error('outbound_http', 'failfast').inc();
    m.error('outbound_http', 'identity required').inc();
    expect(m.error('outbound_http', 'failfast')).toBe(m.error('outbound_http', 'failfast'));

    const text = m.render();
    expect(text).toContain(
      `response_total{${INBOUND_TEXT},status_code="503",classification="failure",grpc_status="",error=""} 1\n`,
    );
    const rt = 'direction="outbound",dst="web.default.svc.cluster.local:80",rt_route="GET /books/{id}"';
    expect(text).toContain(`route_request_total{${rt}} 1\n`);
    expect(text).toContain(`route_response_latency_ms_count{${rt},status_code="200"} 1\n`);
    expect(text).toContain(`route_actual_request_total{${rt}} 2\n`);
    expect(text).toContain(
      `route_actual_response_total{${rt},status_code="500",classification="failure",grpc_status="",error=""} 1\n`,
    );
    expect(text).not.toContain('route_actual_response_latency_ms');
    expect(text).toContain(`route_retryable_total{${rt}} 1\n`);
    expect(text).toContain(`route_retryable_total{${rt},skipped="no_budget"} 1\n`);
    expect(text).toContain(
      'control_response_total{addr="linkerd-dst-headless.linkerd.svc.cluster.local:8086",status_code="200",classification="success",grpc_status="0",error=""} 1\n',
    );
    const tcpSrv =
      'direction="inbound",peer="src",target_addr="10.1.1.1:8080",target_ip="10.1.1.1",target_port="8080",tls="disabled",srv_group="policy.linkerd.io",srv_kind="server",srv_name="web",srv_port="8080"';
    expect(text).toContain(`tcp_open_total{${tcpSrv}} 2\n`);
    expect(text).toContain(`tcp_open_connections{${tcpSrv}} 1\n`);
    expect(text).toContain(`tcp_read_bytes_total{${tcpSrv}} 100\n`);
    expect(text).toContain(`tcp_write_bytes_total{${tcpSrv}} 42\n`);
    expect(text).toContain(`tcp_close_total{${tcpSrv},errno=""} 1\n`);
    expect(text).toContain(
      'tcp_close_total{direction="outbound",peer="dst",tls="no_identity",no_tls_reason="not_provided_by_service_discovery",errno="ECONNRESET"} 1\n',
    );
    expect(text).toContain(
      'inbound_http_authz_allow_total{target_addr="10.1.1.1:8080",target_ip="10.1.1.1",target_port="8080",srv_group="policy.linkerd.io",srv_kind="server",srv_name="web",srv_port="8080",authz_group="policy.linkerd.io",authz_kind="authorizationpolicy",authz_name="web",tls="true",client_id="a.ns.serviceaccount.identity.linkerd.cluster.local"} 1\n',
    );
    expect(text).toContain('outbound_http_errors_total{error="failfast"} 2\n');
    expect(text).toContain('outbound_http_errors_total{error="identity required"} 1\n');

    const check = promtoolCheck(text);
    expect(check.output).not.toMatch(/error while linting|parsing error/);
    expect(unexpectedProblems(check)).toEqual([]);
    expect(check.problems).toContain('response_latency_ms metric names should not contain abbreviated units');

    // Without the three `_ms` histograms (whose names are Linkerd's), promtool is fully clean.
    const withoutMs = m
      .families()
      .filter((f) => !f.name.endsWith('_ms'))
      .map((f) => f.render())
      .join('');
    const clean = promtoolCheck(withoutMs);
    expect(clean.output).toBe('');
    expect(clean.status).toBe(0);
  });

  it('brackets IPv6 target addresses and handles opaque TLS labels', () => {
    const labels = inboundEndpointLabels({
      target: { ip: 'fd00::1', port: 80 },
      tls: { tls: 'opaque', sni: 'web.ns.svc' },
    });
    expect(labels.text).toBe(
      'direction="inbound",target_addr="[fd00::1]:80",target_ip="fd00::1",target_port="80",tls="opaque",sni="web.ns.svc"',
    );
  });

  it('counts series refused by the cap in skein_metrics_series_dropped_total', () => {
    const m = new LegacyMetrics({ maxSeriesPerFamily: 2 });
    for (let i = 0; i < 5; i++) m.error('inbound_tcp', `e${i}`).inc();
    m.http.requests.series({ a: '1' });
    const text = m.render();
    expect(text).toContain('skein_metrics_series_dropped_total{family="inbound_tcp_errors_total"} 3\n');
    expect(text.match(/^inbound_tcp_errors_total\{/gm)).toHaveLength(2);
    expect(m.errors.inbound_tcp.droppedSeries).toBe(3);
  });

  it('expires idle legacy series after METRICS_RETAIN_IDLE', () => {
    let t = 0;
    const m = new LegacyMetrics({ retainIdleMs: 60_000, now: () => t });
    const ep = m.httpTarget(OUTBOUND);
    ep.requests.inc();
    expect(m.render()).toContain('request_total{');
    t = 60_000;
    expect(m.render()).not.toContain('request_total{');
    ep.requests.inc();
    expect(m.render()).toContain(`request_total{${OUTBOUND_TEXT}} 2\n`);
  });

  it('registers with a prom-client registry together with process, build and identity metrics, and passes promtool', async () => {
    const registry = new Registry();
    const m = new LegacyMetrics({ registry });
    m.httpTarget(OUTBOUND).recordResponse(200, 'success', 3);
    m.tcpTarget(tcpClientLabels({ tls: { tls: 'no_identity', reason: 'loopback' } })).opened();
    registerProcessMetrics(registry);
    registerBuildInfo(registry, {
      version: '0.1.0',
      gitSha: 'abc123',
      profile: 'release',
      vendor: 'skein',
      date: '2026-01-01T00:00:00Z',
    });
    const identity = new IdentityCertMetrics(registry);
    identity.certified(Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 1));
    identity.refreshFailed();

    const text = await registry.metrics();
    expect(text).toContain(
      `response_total{${OUTBOUND_TEXT},status_code="200",classification="success",grpc_status="",error=""} 1`,
    );
    expect(text).toContain(`response_latency_ms_bucket{${OUTBOUND_TEXT},status_code="200",le="3"} 1`);
    expect(text).toContain(
      'proxy_build_info{version="0.1.0",git_sha="abc123",profile="release",vendor="skein",date="2026-01-01T00:00:00Z"} 1',
    );
    expect(text).toContain(
      `control_identity_cert_expiration_timestamp_seconds ${Date.UTC(2026, 0, 2) / 1000}`,
    );
    expect(text).toContain(`control_identity_cert_refresh_timestamp_seconds ${Date.UTC(2026, 0, 1) / 1000}`);
    expect(text).toContain('control_identity_cert_refreshes_total{result="ok"} 1');
    expect(text).toContain('control_identity_cert_refreshes_total{result="error"} 1');
    for (const name of [
      'process_cpu_seconds_total',
      'process_start_time_seconds',
      'process_resident_memory_bytes',
      'process_virtual_memory_bytes',
      'process_open_fds',
      'process_max_fds',
      'process_threads',
    ]) {
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'));
    }
    const check = promtoolCheck(text);
    expect(check.output).not.toMatch(/error while linting|parsing error/);
    expect(unexpectedProblems(check)).toEqual([]);
  });
});

describe('build info and identity registration', () => {
  it('refuses double registration with a SkeinError', () => {
    const registry = new Registry();
    const info = { version: '1', gitSha: 'x', profile: 'release', vendor: 'skein', date: 'd' };
    registerBuildInfo(registry, info);
    expect(() => registerBuildInfo(registry, info)).toThrow(/already registered: proxy_build_info/);
    new IdentityCertMetrics(registry);
    expect(() => new IdentityCertMetrics(registry)).toThrow(
      /already registered: control_identity_cert_expiration/,
    );
  });
});
