import { Counter, type OpenMetricsContentType, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SkeinError } from '../../src/errors/index.js';
import { CounterFamily } from '../../src/metrics/counter-family.js';
import { GaugeFamily } from '../../src/metrics/gauge-family.js';
import { HistogramFamily } from '../../src/metrics/histogram-family.js';
import { LabelSet } from '../../src/metrics/label-set.js';
import { promtoolCheck } from './promtool.js';

describe('CounterFamily', () => {
  it('renders its series exactly and passes promtool', () => {
    const f = new CounterFamily({ name: 'requests_total', help: 'Requests seen.' });
    const a = f.series(LabelSet.of({ direction: 'inbound', tls: 'true' }));
    const b = f.series({ direction: 'outbound' });
    a.inc();
    a.inc(2);
    a.inc(-5);
    a.inc(Number.NaN);
    b.inc(0.5);
    expect(f.series(LabelSet.of({ tls: 'true', direction: 'inbound' }))).toBe(a);
    expect(f.size).toBe(2);
    const text = f.render();
    expect(text).toBe(
      [
        '# HELP requests_total Requests seen.',
        '# TYPE requests_total counter',
        'requests_total{direction="inbound",tls="true"} 3',
        'requests_total{direction="outbound"} 0.5',
        '',
      ].join('\n'),
    );
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  it('renders an unlabelled series without braces and escapes help text', () => {
    const f = new CounterFamily({ name: 'x_total', help: 'Line one\nline \\two' });
    f.series().inc(7);
    expect(f.render()).toBe('# HELP x_total Line one\\nline \\\\two\n# TYPE x_total counter\nx_total 7\n');
    expect(promtoolCheck(f.render()).status).toBe(0);
  });

  it('refuses invalid metric names', () => {
    expect(() => new CounterFamily({ name: 'bad-name', help: 'h' })).toThrow(SkeinError);
    expect(() => new CounterFamily({ name: '9lives_total', help: 'h' })).toThrow(/invalid metric name/);
  });
});

describe('GaugeFamily', () => {
  it('sets, increments and decrements', () => {
    const f = new GaugeFamily({ name: 'open_connections', help: 'Open.' });
    const g = f.series({ peer: 'src' });
    g.inc();
    g.inc(4);
    g.dec(2);
    expect(g.value).toBe(3);
    g.set(-1.5);
    expect(f.render()).toContain('open_connections{peer="src"} -1.5\n');
    expect(promtoolCheck(f.render()).status).toBe(0);
  });
});

describe('HistogramFamily', () => {
  it('buckets observations with le semantics and renders cumulative counts', () => {
    const f = new HistogramFamily({ name: 'latency_seconds', help: 'Latency.', buckets: [0.05, 0.5, 1, 10] });
    const h = f.series({ route: 'r' });
    for (const v of [0, 0.05, 0.0500001, 0.5, 3, 10, 11, Number.NaN, -1]) h.observe(v);
    expect(h.count).toBe(8);
    expect(f.render()).toBe(
      [
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="r",le="0.05"} 3',
        'latency_seconds_bucket{route="r",le="0.5"} 5',
        'latency_seconds_bucket{route="r",le="1"} 5',
        'latency_seconds_bucket{route="r",le="10"} 7',
        'latency_seconds_bucket{route="r",le="+Inf"} 8',
        `latency_seconds_sum{route="r"} ${0 + 0.05 + 0.0500001 + 0.5 + 3 + 10 + 11 - 1}`,
        'latency_seconds_count{route="r"} 8',
        '',
      ].join('\n'),
    );
    expect(promtoolCheck(f.render()).status).toBe(0);
  });

  it('renders an unlabelled histogram', () => {
    const f = new HistogramFamily({ name: 'size_bytes', help: 'Sizes.', buckets: [128, 1024, 10240] });
    f.series().observe(2000);
    expect(f.render()).toContain(
      'size_bytes_bucket{le="128"} 0\nsize_bytes_bucket{le="1024"} 0\nsize_bytes_bucket{le="10240"} 1\n',
    );
    expect(f.render()).toContain('size_bytes_sum 2000\nsize_bytes_count 1\n');
    expect(promtoolCheck(f.render()).status).toBe(0);
  });

  it('refuses bad buckets and the reserved le label', () => {
    expect(() => new HistogramFamily({ name: 'h', help: 'h', buckets: [1, 1] })).toThrow(
      /strictly ascending/,
    );
    expect(() => new HistogramFamily({ name: 'h', help: 'h', buckets: [2, 1] })).toThrow(SkeinError);
    expect(
      () => new HistogramFamily({ name: 'h', help: 'h', buckets: [1, Number.POSITIVE_INFINITY] }),
    ).toThrow(SkeinError);
    const f = new HistogramFamily({ name: 'h', help: 'h', buckets: [1] });
    expect(() => f.series({ le: '1' })).toThrow(/reserved/);
  });
});

describe('prom-client integration', () => {
  it('is collected by registry.metrics() alongside prom-client metrics', async () => {
    const registry = new Registry();
    const own = new Counter({
      name: 'promclient_things_total',
      help: 'Things.',
      registers: [registry],
      labelNames: ['k'],
    });
    own.inc({ k: 'v' });
    const c = new CounterFamily({ name: 'skein_test_total', help: 'Skein counter.', registry });
    c.series({ a: 'x"y\\z\nw' }).inc(2);
    const h = new HistogramFamily({
      name: 'skein_test_seconds',
      help: 'Skein histogram.',
      registry,
      buckets: [0.1, 1],
    });
    h.series({ a: 'b' }).observe(0.5);
    const g = new GaugeFamily({ name: 'skein_test_level', help: 'Skein gauge.', registry });
    g.series().set(4);

    const text = await registry.metrics();
    expect(text).toContain('promclient_things_total{k="v"} 1');
    expect(text).toContain('skein_test_total{a="x\\"y\\\\z\\nw"} 2');
    expect(text).toContain(
      'skein_test_seconds_bucket{a="b",le="0.1"} 0\nskein_test_seconds_bucket{a="b",le="1"} 1\nskein_test_seconds_bucket{a="b",le="+Inf"} 1',
    );
    expect(text).toContain('skein_test_seconds_sum{a="b"} 0.5\nskein_test_seconds_count{a="b"} 1');
    expect(text).toContain('# TYPE skein_test_level gauge\nskein_test_level 4');
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    // The registry path and the family's own renderer agree line for line.
    for (const line of c.render().split('\n')) expect(text).toContain(line);
    for (const line of h.render().split('\n')) expect(text).toContain(line);

    const json = await registry.getMetricsAsJSON();
    const counter = json.find((m) => m.name === 'skein_test_total');
    expect(counter?.values).toEqual([{ value: 2, labels: { a: 'x"y\\z\nw' } }]);

    registry.resetMetrics();
    expect(await registry.metrics()).toContain('skein_test_total{a="x\\"y\\\\z\\nw"} 0');
  });

  it('works with an OpenMetrics registry', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new CounterFamily({ name: 'om_requests_total', help: 'Requests.', registry }).series({ a: '1' }).inc();
    const text = await registry.metrics();
    expect(text).toContain('# TYPE om_requests counter\nom_requests_total{a="1"} 1');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('refuses registering two metrics with one name', () => {
    const registry = new Registry();
    new CounterFamily({ name: 'dup_total', help: 'h', registry });
    expect(() => new CounterFamily({ name: 'dup_total', help: 'h', registry })).toThrow(/already registered/);
  });
});
