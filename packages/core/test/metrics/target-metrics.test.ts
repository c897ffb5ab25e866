import { describe, expect, it } from 'vitest';
import { LabelSet } from '../../src/metrics/label-set.js';
import { LegacyMetrics } from '../../src/metrics/legacy-metrics.js';
import { promtoolCheck, unexpectedProblems } from './promtool.js';

describe('HttpTargetMetrics', () => {
  const m = new LegacyMetrics();
  const ep = m.httpTarget(LabelSet.of({ direction: 'outbound' }));

  it('returns the same handles for the same response, without re-resolving', () => {
    const a = ep.response(200, 'success');
    expect(ep.response(200, 'success')).toBe(a);
    expect(ep.response(200, 'failure')).not.toBe(a);
    expect(ep.response(200, 'success', 0)).not.toBe(a);
    expect(ep.response(200, 'success', undefined, 'unexpected')).not.toBe(a);
    expect(ep.response(200, 'success', undefined, 'unexpected')).toBe(
      ep.response(200, 'success', undefined, 'unexpected'),
    );
    // Latency is keyed by status code only.
    expect(ep.response(200, 'failure', 3).latency).toBe(a.latency);
    expect(ep.response(201, 'success').latency).not.toBe(a.latency);
  });

  it('handles status and gRPC codes outside the cached range', () => {
    const odd = ep.response(1234, 'failure', 99);
    odd.total.inc();
    const again = ep.response(1234, 'failure', 99);
    expect(again.total).toBe(odd.total);
    expect(again.total.value).toBe(1);
    expect(m.render()).toContain(
      'response_total{direction="outbound",status_code="1234",classification="failure",grpc_status="99",error=""} 1',
    );
  });
});

describe('TcpTargetMetrics', () => {
  it('tracks opens, closes by errno, open connections and bytes', () => {
    const m = new LegacyMetrics();
    const t = m.tcpTarget(LabelSet.of({ direction: 'inbound', peer: 'src' }));
    for (let i = 0; i < 3; i++) t.opened();
    t.closed();
    t.closed('EPIPE');
    t.read(10);
    t.read(5);
    t.wrote(7);
    const text = m.render();
    expect(text).toContain('tcp_open_total{direction="inbound",peer="src"} 3\n');
    expect(text).toContain('tcp_open_connections{direction="inbound",peer="src"} 1\n');
    expect(text).toContain('tcp_close_total{direction="inbound",peer="src",errno=""} 1\n');
    expect(text).toContain('tcp_close_total{direction="inbound",peer="src",errno="EPIPE"} 1\n');
    expect(text).toContain('tcp_read_bytes_total{direction="inbound",peer="src"} 15\n');
    expect(text).toContain('tcp_write_bytes_total{direction="inbound",peer="src"} 7\n');
  });
});

describe('label escaping end to end', () => {
  it('renders hostile label values that promtool parses', () => {
    const m = new LegacyMetrics();
    const hostile = [
      'a"b',
      'back\\slash',
      'new\nline',
      'trailing\\',
      '"}',
      '\\n literal',
      '{le="x"}',
      'ünïcødé ✓',
      '',
    ];
    for (const v of hostile)
      m.httpTarget(LabelSet.of({ direction: 'inbound', authority: v })).recordResponse(200, 'success', 1);
    const text = m.render();
    expect(text).toContain('authority="a\\"b"');
    expect(text).toContain('authority="back\\\\slash"');
    expect(text).toContain('authority="new\\nline"');
    expect(text).toContain('authority="trailing\\\\"');
    expect(text).toContain('authority="\\"}"');
    expect(text).toContain('authority="\\\\n literal"');
    expect(text).toContain('authority="ünïcødé ✓"');
    expect(text.split('\n').filter((l) => l.startsWith('request_total{'))).toHaveLength(hostile.length);
    expect(text.split('\n').filter((l) => l.startsWith('response_total{'))).toHaveLength(hostile.length);
    const check = promtoolCheck(text);
    expect(check.output).not.toMatch(/error while linting|parsing error/);
    expect(unexpectedProblems(check)).toEqual([]);
  });
});
