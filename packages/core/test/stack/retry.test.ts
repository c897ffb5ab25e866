import { describe, expect, it } from 'vitest';
import { ConfigError, RetryBudget, retry, stack } from '../../src/index.js';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RetryBudget', () => {
  it('has Linkerd defaults: +20% of requests plus 10 retries/s over a 10 s window', () => {
    const c = clock();
    const b = new RetryBudget({ now: c.now });
    expect(b.retryRatio).toBe(0.2);
    expect(b.minRetriesPerSecond).toBe(10);
    expect(b.ttlMs).toBe(10_000);
    // With no traffic, the reserve is min × ttl = 100 retries.
    expect(b.balance()).toBe(100);
    for (let i = 0; i < 100; i++) b.deposit();
    expect(b.balance()).toBeCloseTo(120);
  });

  it('withdraws until spent, then refuses without going negative', () => {
    const c = clock();
    const b = new RetryBudget({ now: c.now, minRetriesPerSecond: 1, retryRatio: 0.5, ttlMs: 2000 });
    // reserve 2 + 0.5 × 4 = 4
    for (let i = 0; i < 4; i++) b.deposit();
    let granted = 0;
    while (b.withdraw()) granted++;
    expect(granted).toBe(4);
    expect(b.balance()).toBe(0);
  });

  it('ages deposits and withdrawals out after the ttl', () => {
    const c = clock();
    const b = new RetryBudget({ now: c.now, minRetriesPerSecond: 0, retryRatio: 1, ttlMs: 1000 });
    for (let i = 0; i < 10; i++) b.deposit();
    expect(b.balance()).toBe(10);
    c.advance(500);
    for (let i = 0; i < 4; i++) expect(b.withdraw()).toBe(true);
    expect(b.balance()).toBe(6);
    // After the first deposits' slot ages out (>= ttl), only newer activity counts.
    c.advance(600);
    expect(b.balance()).toBe(-4);
    expect(b.withdraw()).toBe(false);
    c.advance(1000);
    expect(b.balance()).toBe(0);
  });

  it('rejects parameters Linkerd rejects, naming the field', () => {
    expect(() => new RetryBudget({ retryRatio: -0.1 })).toThrow(ConfigError);
    expect(() => new RetryBudget({ retryRatio: 1001 })).toThrow(/retryRatio/);
    expect(() => new RetryBudget({ ttlMs: 999 })).toThrow(/between 1s and 60s/);
    expect(() => new RetryBudget({ ttlMs: 60_001 })).toThrow(ConfigError);
    expect(() => new RetryBudget({ minRetriesPerSecond: 2 ** 31 })).toThrow(/minRetriesPerSecond/);
    expect(() => new RetryBudget({ minRetriesPerSecond: 1.5 })).toThrow(ConfigError);
    expect(RetryBudget.validate({ retryRatio: 0.2, minRetriesPerSecond: 10, ttlMs: 10_000 })).toBeUndefined();
  });
});

describe('retry', () => {
  it('retries failures within the budget and returns the first success', async () => {
    let calls = 0;
    const retried: number[] = [];
    const svc = stack(async (req: string) => {
      calls++;
      return calls < 3 ? { status: 503, req } : { status: 200, req };
    })
      .push(
        retry({
          budget: new RetryBudget(),
          shouldRetry: (_req, o) => o.ok && o.response.status >= 500,
          onRetry: (_req, attempt) => retried.push(attempt),
        }),
      )
      .service();
    expect(await svc('x')).toEqual({ status: 200, req: 'x' });
    expect(calls).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('returns the failed response and reports no_budget when the budget is spent', async () => {
    const c = clock();
    const budget = new RetryBudget({ now: c.now, minRetriesPerSecond: 0, retryRatio: 0, ttlMs: 1000 });
    const skips: string[] = [];
    let calls = 0;
    const svc = stack(async () => {
      calls++;
      return 500;
    })
      .push(
        retry({
          budget,
          shouldRetry: (_r, o) => o.ok && o.response === 500,
          onSkip: (_r, why) => skips.push(why),
        }),
      )
      .service();
    expect(await svc(undefined)).toBe(500);
    expect(calls).toBe(1);
    expect(skips).toEqual(['no_budget']);
  });

  it('does not retry a request that cannot be replayed, and rethrows errors', async () => {
    const skips: string[] = [];
    const boom = new Error('reset');
    const svc = stack(async (_req: number): Promise<number> => {
      throw boom;
    })
      .push(
        retry<number, number>({
          budget: new RetryBudget(),
          shouldRetry: (_r, o) => !o.ok,
          replay: () => undefined,
          onSkip: (_r, why) => skips.push(why),
        }),
      )
      .service();
    await expect(svc(1)).rejects.toBe(boom);
    expect(skips).toEqual(['not_replayable']);
  });

  it('honours maxRetries and discards replaced responses', async () => {
    const discarded: number[] = [];
    let calls = 0;
    const svc = stack(async () => ++calls)
      .push(
        retry({
          budget: new RetryBudget(),
          shouldRetry: () => true,
          maxRetries: 2,
          discard: (r) => discarded.push(r),
        }),
      )
      .service();
    expect(await svc(undefined)).toBe(3);
    expect(discarded).toEqual([1, 2]);
  });
});
