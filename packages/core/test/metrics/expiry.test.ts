import { describe, expect, it } from 'vitest';
import { CounterFamily } from '../../src/metrics/counter-family.js';
import { GaugeFamily } from '../../src/metrics/gauge-family.js';
import { HistogramFamily } from '../../src/metrics/histogram-family.js';
import { SeriesState } from '../../src/metrics/series.js';

/** A manual clock for idle expiry. */
function clock(start = 1_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

const TEN_MIN = 600_000;

describe('idle expiry', () => {
  it('drops a counter not written for retainIdleMs, and not before', () => {
    const c = clock();
    const f = new CounterFamily({ name: 'x_total', help: 'h', now: c.now });
    const busy = f.series({ s: 'busy' });
    const idle = f.series({ s: 'idle' });
    busy.inc();
    idle.inc();
    expect(f.sweep()).toBe(0);
    c.advance(TEN_MIN - 1);
    busy.inc();
    expect(f.sweep()).toBe(0);
    expect(f.size).toBe(2);
    c.advance(1);
    expect(f.sweep()).toBe(1);
    expect(f.render()).not.toContain('s="idle"');
    expect(f.render()).toContain('x_total{s="busy"} 2');
    expect(idle.live).toBe(false);
    expect(idle._state).toBe(SeriesState.Expired);
    expect(f.expiredSeries).toBe(1);
    c.advance(TEN_MIN);
    expect(f.sweep()).toBe(1);
    expect(f.size).toBe(0);
  });

  it('revives an expired handle on its next write, keeping its value and identity', () => {
    const c = clock();
    const f = new CounterFamily({ name: 'x_total', help: 'h', now: c.now, retainIdleMs: 1_000 });
    const h = f.series({ ep: '10.0.0.1:80' });
    h.inc(5);
    f.sweep();
    c.advance(1_000);
    f.sweep();
    expect(f.size).toBe(0);
    h.inc();
    expect(h.live).toBe(true);
    expect(f.size).toBe(1);
    expect(f.render()).toContain('x_total{ep="10.0.0.1:80"} 6');
    // Resolving the label set again gives the same handle rather than a second series.
    c.advance(1_000);
    f.sweep();
    c.advance(1_000);
    f.sweep();
    expect(h.live).toBe(false);
    expect(f.series({ ep: '10.0.0.1:80' })).toBe(h);
    expect(h.live).toBe(true);
    expect(f.render().match(/ep="10.0.0.1:80"/g)).toHaveLength(1);
  });

  it('keeps gauges with a non-zero value and expires idle zero gauges', () => {
    const c = clock();
    const f = new GaugeFamily({ name: 'open_connections', help: 'h', now: c.now, retainIdleMs: 1_000 });
    const held = f.series({ peer: 'a' });
    const closed = f.series({ peer: 'b' });
    held.inc();
    closed.inc();
    closed.dec();
    f.sweep();
    c.advance(5_000);
    expect(f.sweep()).toBe(1);
    expect(held.live).toBe(true);
    expect(closed.live).toBe(false);
    expect(f.render()).toContain('open_connections{peer="a"} 1');
  });

  it('treats histogram observations as activity', () => {
    const c = clock();
    const f = new HistogramFamily({
      name: 'l_seconds',
      help: 'h',
      now: c.now,
      retainIdleMs: 1_000,
      buckets: [1],
    });
    const h = f.series({ a: 'b' });
    for (let i = 0; i < 5; i++) {
      h.observe(0.5);
      c.advance(900);
      expect(f.sweep()).toBe(0);
    }
    // Activity is stamped by the sweep that sees it (t+4500 here), so expiry waits a full
    // retainIdleMs after that sweep.
    c.advance(100);
    expect(f.sweep()).toBe(0);
    c.advance(900);
    expect(f.sweep()).toBe(1);
  });

  it('never expires when retainIdleMs is 0', () => {
    const c = clock();
    const f = new CounterFamily({ name: 'x_total', help: 'h', now: c.now, retainIdleMs: 0 });
    f.series({ a: '1' });
    c.advance(1e12);
    expect(f.sweep()).toBe(0);
    expect(f.size).toBe(1);
  });

  it('removes a series on request', () => {
    const f = new CounterFamily({ name: 'x_total', help: 'h' });
    const h = f.series({ a: '1' });
    expect(f.remove({ a: '1' })).toBe(true);
    expect(f.remove({ a: '1' })).toBe(false);
    expect(f.size).toBe(0);
    h.inc();
    expect(f.size).toBe(1);
  });
});

describe('series cap', () => {
  it('refuses series past maxSeries, counts them and never renders them', () => {
    const drops: string[] = [];
    const f = new CounterFamily({ name: 'x_total', help: 'h', maxSeries: 2, onDrop: (n) => drops.push(n) });
    f.series({ a: '1' }).inc();
    f.series({ a: '2' }).inc();
    const over = f.series({ a: '3' });
    over.inc(100);
    over.inc();
    expect(over.live).toBe(false);
    expect(over._state).toBe(SeriesState.Dropped);
    expect(f.size).toBe(2);
    expect(f.droppedSeries).toBe(1);
    expect(drops).toEqual(['x_total']);
    expect(f.render()).not.toContain('a="3"');
    expect(f.series({ a: '1' }).value).toBe(1);
  });

  it('drops a revived series when the family is full again', () => {
    const c = clock();
    const f = new CounterFamily({ name: 'x_total', help: 'h', maxSeries: 1, retainIdleMs: 10, now: c.now });
    const first = f.series({ a: '1' });
    f.sweep();
    c.advance(10);
    f.sweep();
    const second = f.series({ a: '2' });
    expect(second.live).toBe(true);
    first.inc();
    expect(first._state).toBe(SeriesState.Dropped);
    expect(f.droppedSeries).toBe(1);
    expect(f.render()).not.toContain('a="1"');
  });
});
