import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, type SkeinError, stack, TimeoutError, timeout } from '../../src/index.js';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('timeout', () => {
  it('passes a fast response through', async () => {
    const svc = stack(async (x: number) => x + 1)
      .push(timeout(1000))
      .service();
    expect(await svc(1)).toBe(2);
  });

  it('fails a slow request with a typed TimeoutError and calls onTimeout', async () => {
    const onTimeout = vi.fn();
    const svc = stack(async (x: number) => {
      await delay(200);
      return x;
    })
      .push(timeout(20, { onTimeout, what: 'response' }))
      .service();
    const err = await svc(7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as SkeinError).code).toBe(ErrorCode.Timeout);
    expect((err as Error).message).toBe('response timed out after 20ms');
    expect(onTimeout).toHaveBeenCalledWith(7);
  });

  it('passes errors of the inner service through unchanged', async () => {
    const boom = new Error('boom');
    const svc = stack(async () => {
      throw boom;
    })
      .push(timeout(1000))
      .service();
    await expect(svc(undefined)).rejects.toBe(boom);
  });

  it('is disabled by 0 or Infinity', async () => {
    const base = async () => 'ok';
    expect(timeout(0)(base)).toBe(base);
    expect(timeout(Number.POSITIVE_INFINITY)(base)).toBe(base);
  });
});
