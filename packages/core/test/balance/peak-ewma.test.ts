import { describe, expect, it } from 'vitest';
import { PeakEwma } from '../../src/index.js';

describe('PeakEwma', () => {
  it('starts at the default RTT of 30 ms and weighs pending requests', () => {
    const e = new PeakEwma(0);
    expect(e.cost(0)).toBe(30);
    e.start();
    e.start();
    expect(e.pending).toBe(2);
    expect(e.cost(0)).toBe(90);
  });

  it('floors the default RTT at 1 ms', () => {
    expect(new PeakEwma(0, { defaultRttMs: 0 }).cost(0)).toBe(1);
  });

  it('jumps to a slower sample at once (peak) and decays towards faster samples', () => {
    const e = new PeakEwma(0, { defaultRttMs: 10, decayMs: 1000 });
    e.start();
    e.end(0, 200, true);
    expect(e.estimate(0)).toBe(200);
    e.start();
    e.end(1000, 10, true);
    // One time constant later: 200·e⁻¹ + 10·(1 − e⁻¹)
    expect(e.estimate(1000)).toBeCloseTo(200 * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 6);
  });

  it('decays towards zero while idle so a recovered endpoint gets probed again', () => {
    const e = new PeakEwma(0, { decayMs: 1000 });
    e.start();
    e.end(0, 500, true);
    expect(e.cost(5000)).toBeLessThan(500 * Math.exp(-4.9));
  });

  it('rejects a non-positive decay', () => {
    expect(() => new PeakEwma(0, { decayMs: 0 })).toThrow(RangeError);
  });
});
