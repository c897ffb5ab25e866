import { describe, expect, it } from 'vitest';
import {
  FailfastError,
  failfast,
  LoadShedError,
  type Readiness,
  type ReadyQueue,
  ReadyQueue as ReadyQueueClass,
  stack,
} from '../../src/index.js';

class Switch implements Readiness {
  ready = false;
  readonly #listeners = new Set<() => void>();
  isReady(): boolean {
    return this.ready;
  }
  onReadyChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(ready: boolean): void {
    this.ready = ready;
    for (const l of this.#listeners) l();
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('failfast', () => {
  it('passes requests straight through while ready', async () => {
    const sw = new Switch();
    sw.ready = true;
    const svc = stack(async (x: number) => x)
      .push(failfast({ readiness: sw, timeoutMs: 50 }))
      .service();
    expect(await svc(5)).toBe(5);
  });

  it('queues while not ready and releases the queue when ready', async () => {
    const sw = new Switch();
    const svc = stack(async (x: number) => x * 10)
      .push(failfast({ readiness: sw, timeoutMs: 1000 }))
      .service();
    const pending = [svc(1), svc(2)];
    await delay(10);
    sw.set(true);
    expect(await Promise.all(pending)).toEqual([10, 20]);
  });

  it('enters failfast after the timeout, fails new requests at once, and recovers when ready', async () => {
    const sw = new Switch();
    let queue: ReadyQueue | undefined;
    const svc = stack(async (x: number) => x)
      .push(failfast({ readiness: sw, timeoutMs: 30, onQueue: (q) => (queue = q) }))
      .service();
    const started = performance.now();
    const first = await svc(1).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(FailfastError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(queue!.failfast).toBe(true);
    expect(queue!.gateShut).toBe(1);
    // In failfast, a new request fails without waiting.
    const t0 = performance.now();
    await expect(svc(2)).rejects.toBeInstanceOf(FailfastError);
    expect(performance.now() - t0).toBeLessThan(25);
    sw.set(true);
    expect(queue!.failfast).toBe(false);
    expect(await svc(3)).toBe(3);
    expect(queue!.gateOpened).toBe(1);
  });

  it('sheds load when the queue is full', async () => {
    const sw = new Switch();
    const svc = stack(async (x: number) => x)
      .push(failfast({ readiness: sw, timeoutMs: 1000, capacity: 2 }))
      .service();
    const a = svc(1);
    const b = svc(2);
    await expect(svc(3)).rejects.toBeInstanceOf(LoadShedError);
    sw.set(true);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
  });
});

describe('ReadyQueue', () => {
  it('rejects waiters and later requests with the close error', async () => {
    const q = new ReadyQueueClass({ isReady: () => false, capacity: 10, failfastTimeoutMs: 1000 });
    const w = q.acquire();
    const closed = new Error('closed');
    q.close(closed);
    await expect(w).rejects.toBe(closed);
    expect(() => q.acquire()).toThrow(closed);
  });

  it('keeps FIFO order across many waiters', async () => {
    let ready = false;
    const q = new ReadyQueueClass({ isReady: () => ready, capacity: 5000, failfastTimeoutMs: 1000 });
    const order: number[] = [];
    const waits = Array.from({ length: 3000 }, (_, i) => q.acquire()!.then(() => order.push(i)));
    expect(q.length).toBe(3000);
    ready = true;
    q.notify();
    await Promise.all(waits);
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(q.length).toBe(0);
  });

  it('rejects a negative capacity', () => {
    expect(() => new ReadyQueueClass({ isReady: () => true, capacity: -1, failfastTimeoutMs: 1 })).toThrow(
      RangeError,
    );
  });
});
