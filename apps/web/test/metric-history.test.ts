import { describe, expect, it } from 'vitest';
import { historyKey, MetricHistory } from '../src/ui/state/metric-history.js';

const stats = (rps: number, success: number | null) => ({
  requestRate: rps,
  successRate: success,
  latencyMs: { p50: 1, p95: 2, p99: 3 },
});

describe('MetricHistory', () => {
  it('keeps the last samples per resource, oldest first', () => {
    const h = new MetricHistory({ capacity: 3, minGapMs: 100 });
    const key = historyKey('deployment', 'emojivoto', 'web');
    for (let i = 0; i < 5; i++) h.record(key, i * 1000, stats(i, 0.9));
    expect(h.series(key).map((s) => s.rps)).toEqual([2, 3, 4]);
    expect(h.series('deployment/emojivoto/other')).toEqual([]);
    expect(h.version).toBe(5);
  });

  it('replaces a sample recorded too soon after the previous one', () => {
    const h = new MetricHistory({ capacity: 10, minGapMs: 500 });
    h.record('k', 1000, stats(1, 1));
    h.record('k', 1200, stats(2, 1));
    h.record('k', 1800, stats(3, 1));
    expect(h.series('k').map((s) => [s.t, s.rps])).toEqual([
      [1200, 2],
      [1800, 3],
    ]);
  });

  it('records no traffic as zero requests and unknown success', () => {
    const h = new MetricHistory();
    h.record('k', 0, null);
    expect(h.series('k')).toEqual([{ t: 0, rps: 0, successRate: null, p50: null, p95: null, p99: null }]);
  });
});
