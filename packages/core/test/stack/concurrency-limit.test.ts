import { describe, expect, it } from 'vitest';
import { concurrencyLimit, ErrorCode, LoadShedError, stack } from '../../src/index.js';

describe('concurrencyLimit', () => {
  it('sheds requests over the limit with LoadShedError and admits again after completion', async () => {
    const gauge = { inFlight: 0, shed: 0 };
    const releases: Array<() => void> = [];
    const svc = stack((n: number) => new Promise<number>((resolve) => releases.push(() => resolve(n))))
      .push(concurrencyLimit(2, gauge))
      .service();
    const a = svc(1);
    const b = svc(2);
    expect(gauge.inFlight).toBe(2);
    const c = await svc(3).catch((e: unknown) => e);
    expect(c).toBeInstanceOf(LoadShedError);
    expect((c as LoadShedError).code).toBe(ErrorCode.LoadShed);
    expect(gauge.shed).toBe(1);
    releases[0]!();
    expect(await a).toBe(1);
    expect(gauge.inFlight).toBe(1);
    const d = svc(4);
    releases[1]!();
    releases[2]!();
    expect(await Promise.all([b, d])).toEqual([2, 4]);
    expect(gauge.inFlight).toBe(0);
  });

  it('releases the slot when the inner service fails or throws synchronously', async () => {
    const gauge = { inFlight: 0, shed: 0 };
    const rejecting = concurrencyLimit<number, number>(1, gauge)(() => Promise.reject(new Error('x')));
    await expect(rejecting(1)).rejects.toThrow('x');
    expect(gauge.inFlight).toBe(0);
    const throwing = concurrencyLimit<number, number>(
      1,
      gauge,
    )(() => {
      throw new Error('sync');
    });
    await expect(throwing(1)).rejects.toThrow('sync');
    expect(gauge.inFlight).toBe(0);
  });

  it('rejects a limit below 1', () => {
    expect(() => concurrencyLimit(0)).toThrow(RangeError);
  });
});
