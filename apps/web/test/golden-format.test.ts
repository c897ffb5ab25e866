import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatLatencyMs,
  formatMeshed,
  formatMicros,
  formatRps,
  formatSuccess,
  healthOf,
} from '../src/ui/format/golden-format.js';

describe('golden metric formatting', () => {
  it('formats success rates as Linkerd does, with a dash for no data', () => {
    expect(formatSuccess(0.916666)).toBe('91.67%');
    expect(formatSuccess(1)).toBe('100.00%');
    expect(formatSuccess(0)).toBe('0.00%');
    expect(formatSuccess(null)).toBe('–');
    expect(formatSuccess(undefined)).toBe('–');
  });

  it('formats rates and latencies with sensible precision', () => {
    expect(formatRps(2.345)).toBe('2.3 rps');
    expect(formatRps(0)).toBe('0.0 rps');
    expect(formatRps(1234.5)).toBe('1235 rps');
    expect(formatRps(null)).toBe('–');
    expect(formatLatencyMs(0.4718)).toBe('0.47 ms');
    expect(formatLatencyMs(2.14)).toBe('2.1 ms');
    expect(formatLatencyMs(321.6)).toBe('322 ms');
    expect(formatLatencyMs(1540)).toBe('1.5 s');
    expect(formatLatencyMs(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatMicros(6380)).toBe('6.4 ms');
    expect(formatBytes(65)).toBe('65 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(formatMeshed(3, 4)).toBe('3/4');
    expect(formatMeshed(null, null)).toBe('–');
  });

  it("classifies success with Linkerd's thresholds", () => {
    expect(healthOf(0.99)).toBe('good');
    expect(healthOf(0.95)).toBe('good');
    expect(healthOf(0.9499)).toBe('warning');
    expect(healthOf(0.9)).toBe('warning');
    expect(healthOf(0.8999)).toBe('critical');
    expect(healthOf(null)).toBe('idle');
  });
});
