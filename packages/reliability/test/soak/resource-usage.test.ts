import { describe, expect, it } from 'vitest';
import { heapUsage } from '../../src/soak/heap-samples.ts';
import { machineUsage, processUsage, windowedFigure } from '../../src/soak/resource-usage.ts';

const series = (values: number[]) => values.map((value, i) => ({ tS: i, value }));

describe('windowedFigure', () => {
  it('compares medians of the first and last tenth after warm-up, ignoring the sawtooth', () => {
    // Warm-up climbs to 100; afterwards a sawtooth between 100 and 110 that does not trend.
    const values = [50, 80, ...Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 100 : 110))];
    const f = windowedFigure(series(values), 2);
    expect(f.start).toBe(105);
    expect(f.end).toBe(105);
    expect(f.growthPct).toBe(0);
    expect(f.peak).toBe(110);
  });

  it('shows a steady climb after warm-up as growth', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 + i * 0.2);
    const f = windowedFigure(series(values), 0);
    expect(f.growthPct).toBeGreaterThan(15);
  });

  it('refuses to judge with fewer than two samples after warm-up', () => {
    expect(() => windowedFigure(series([1, 2, 3]), 5)).toThrow(/at least 2 samples after warm-up, have 0/);
  });
});

describe('processUsage and machineUsage', () => {
  it('derive RSS in MiB and cores used after warm-up from /proc samples', () => {
    const samples = Array.from({ length: 11 }, (_, i) => ({ tS: i, rssKiB: 102_400, cpuS: i * 0.25 }));
    const u = processUsage(samples, 2);
    expect(u.rssStartMiB).toBe(100);
    expect(u.rssGrowthPct).toBe(0);
    expect(u.cpuCores).toBeCloseTo(0.25, 9);
    expect(u.cpuSeconds).toBeCloseTo(2.5, 9);
    const m = machineUsage(
      samples.map((s) => ({ tS: s.tS, busyS: s.tS * 1.5, totalS: s.tS * 2 })),
      2,
      2,
    );
    expect(m.busyCores).toBeCloseTo(1.5, 9);
  });
});

describe('heapUsage', () => {
  it('reads the heap reporter lines of a proxy, timed from when sampling started', () => {
    const start = 1_000_000;
    const lines = Array.from(
      { length: 10 },
      (_, i) =>
        `soak-heap ${JSON.stringify({ at: start + i * 1000, heapUsed: (10 + i) * 1048576, heapTotal: 64 * 1048576, external: 1048576, arrayBuffers: 0 })}`,
    );
    const h = heapUsage(['WARN something', ...lines].join('\n'), start, 2);
    expect(h?.heapUsed.start).toBe(12);
    expect(h?.heapUsed.end).toBe(19);
    expect(h?.heapTotal.growthPct).toBe(0);
    expect(heapUsage('no samples here', start, 0)).toBeUndefined();
  });
});
