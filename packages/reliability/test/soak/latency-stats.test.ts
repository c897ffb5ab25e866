import { describe, expect, it } from 'vitest';
import { latencyWindows, summarizeLatencies } from '../../src/soak/latency-stats.ts';

describe('summarizeLatencies', () => {
  it('takes nearest-rank percentiles, so p100 is the maximum and nothing is interpolated', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    const s = summarizeLatencies(values);
    expect(s).toMatchObject({ count: 1000, p50: 500, p90: 900, p99: 990, p999: 999, max: 1000 });
    expect(s.mean).toBeCloseTo(500.5, 6);
  });

  it('leaves out failed requests (NaN) and summarises only the slice asked for', () => {
    const values = Float64Array.from([50, Number.NaN, 1, 2, 3, Number.NaN]);
    expect(summarizeLatencies(values, 2)).toMatchObject({ count: 3, p50: 2, max: 3 });
    expect(summarizeLatencies(values, 1, 2).count).toBe(0);
  });
});

describe('latencyWindows', () => {
  it('cuts the run into equal slices by due time, each with its own tail', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i === 25 ? 300 : 1));
    const w = latencyWindows(values, 10, 4);
    expect(w.map((x) => [x.fromS, x.toS])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(w.map((x) => x.max)).toEqual([1, 1, 300, 1]);
  });
});
