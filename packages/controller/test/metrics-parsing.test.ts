import { describe, expect, it } from 'vitest';
import {
  compileLabelSelector,
  extrapolatedRate,
  histogramQuantile,
  labelsMatch,
  parsePrometheusText,
  promqlRate,
  promqlSelector,
  withTargetLabels,
} from '../src/index.js';

describe('parsePrometheusText', () => {
  it('reads samples with escaped label values, skipping comments, EOF and broken lines', () => {
    const { samples, skipped } = parsePrometheusText(
      [
        '# HELP request_total Total count of HTTP requests.',
        '# TYPE request_total counter',
        'request_total{direction="outbound",authority="a\\"b\\\\c:80",x="1\\n2"} 42',
        'process_open_fds 9 1700000000000',
        'response_latency_ms_bucket{le="+Inf"} 7',
        'broken{a="1" 3',
        'novalue',
        '# EOF',
      ].join('\n'),
    );
    expect(skipped).toBe(2);
    expect(samples).toEqual([
      {
        name: 'request_total',
        labels: { direction: 'outbound', authority: 'a"b\\c:80', x: '1\n2' },
        value: 42,
      },
      { name: 'process_open_fds', labels: {}, value: 9 },
      { name: 'response_latency_ms_bucket', labels: { le: '+Inf' }, value: 7 },
    ]);
  });

  it('keeps clashing scraped labels as exported_<name>, as Prometheus does', () => {
    expect(withTargetLabels({ namespace: 'x', a: '1' }, { namespace: 'demo', pod: 'p' })).toEqual({
      exported_namespace: 'x',
      a: '1',
      namespace: 'demo',
      pod: 'p',
    });
  });
});

describe('histogramQuantile', () => {
  it("interpolates inside the bucket holding the rank, like Prometheus's histogram_quantile", () => {
    const buckets = [
      { le: 1, value: 10 },
      { le: 2, value: 30 },
      { le: 5, value: 40 },
      { le: Infinity, value: 40 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(1.5);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(1);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(4.4);
    expect(histogramQuantile(0.1, buckets)).toBeCloseTo(0.4);
    expect(
      histogramQuantile(0.99, [
        { le: 1, value: 1 },
        { le: Infinity, value: 10 },
      ]),
    ).toBe(1);
    expect(histogramQuantile(0.5, [{ le: Infinity, value: 0 }])).toBeUndefined();
  });
});

describe('extrapolatedRate', () => {
  it('extrapolates to the window edges within 1.1 scrape intervals and divides by the window', () => {
    // Samples every 10 s covering the whole 60 s window: 60 per 60 s.
    const points = [0, 10, 20, 30, 40, 50, 60].map((s) => ({ at: s * 1000, value: 100 + s }));
    expect(extrapolatedRate(points, 0, 60_000)).toBeCloseTo(1);
    // Samples 5 s inside each edge: extrapolated by the full 5 s on each side.
    const inside = [5, 15, 25, 35, 45, 55].map((s) => ({ at: s * 1000, value: 100 + s }));
    expect(extrapolatedRate(inside, 0, 60_000)).toBeCloseTo(1);
  });

  it('counts a drop as a counter reset and never extrapolates below zero', () => {
    const reset = [
      { at: 0, value: 50 },
      { at: 10_000, value: 60 },
      { at: 20_000, value: 5 },
      { at: 30_000, value: 15 },
    ];
    // 50→60 (+10), reset to 5 (+5), 5→15 (+10).
    expect(extrapolatedRate(reset, 0, 30_000)).toBeCloseTo(25 / 30);
    // A counter that started at 0 shortly before its first sample: no extrapolation past zero.
    const young = [
      { at: 50_000, value: 1 },
      { at: 60_000, value: 11 },
    ];
    expect(extrapolatedRate(young, 0, 60_000)).toBeCloseTo(11 / 60);
  });
});

describe('label matching and PromQL', () => {
  it('matches exact values, sets and anchored regexes the same way PromQL does', () => {
    const l = { dst: 'web.demo.svc.cluster.local:80', tls: 'true' };
    expect(labelsMatch(l, { tls: 'true' })).toBe(true);
    expect(labelsMatch(l, { tls: { oneOf: ['false', 'true'] } })).toBe(true);
    expect(labelsMatch(l, { dst: { regex: 'web\\.demo\\.svc\\.cluster\\.local(:\\d+)?' } })).toBe(true);
    expect(labelsMatch(l, { dst: { regex: 'web' } })).toBe(false);
    expect(labelsMatch(l, { missing: '' })).toBe(true);
    expect(promqlSelector({ a: 'x"y', b: { oneOf: ['p.q', 'r'] }, c: { regex: 'z.*' } })).toBe(
      'a="x\\"y",b=~"p\\\\.q|r",c=~"z.*"',
    );
    expect(
      promqlRate({
        metric: 'response_total',
        match: { direction: 'inbound' },
        by: ['namespace', 'deployment'],
        windowMs: 60_000,
      }),
    ).toBe('sum by (namespace, deployment) (rate(response_total{direction="inbound"}[60s]))');
  });

  it('compiles Kubernetes label selectors', () => {
    const s = compileLabelSelector('app=web,tier!=cache,env in (prod, staging),!beta,track');
    expect(s({ app: 'web', env: 'prod', track: 'x' })).toBe(true);
    expect(s({ app: 'web', env: 'prod', track: 'x', beta: '1' })).toBe(false);
    expect(s({ app: 'web', env: 'dev', track: 'x' })).toBe(false);
    expect(s({ app: 'web', tier: 'cache', env: 'prod', track: 'x' })).toBe(false);
    expect(() => compileLabelSelector('app==')).not.toThrow();
    expect(() => compileLabelSelector('a b c')).toThrow(
      /labelSelector: expected a Kubernetes label selector/,
    );
  });
});
