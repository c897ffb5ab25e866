import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, TimeoutError } from '@skein/core';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default: 5000 ms. */
  timeoutMs?: number;
  /** Pause between tries. Default: 20 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message. Default: "condition". */
  what?: string;
}

/**
 * Polls `predicate` until it returns a truthy value (or a promise of one) and resolves with it.
 * A predicate that throws counts as "not yet"; on timeout the last such error is the `cause`
 * of the {@link TimeoutError}.
 *
 * @example
 * ```ts
 * const pod = await waitFor(() => informer.get('web', 'default'), { what: 'pod web in the cache' });
 * ```
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 20;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0)
    throw new ConfigError('timeoutMs', String(timeoutMs), 'a non-negative number of milliseconds');
  if (!Number.isFinite(intervalMs) || intervalMs < 0)
    throw new ConfigError('intervalMs', String(intervalMs), 'a non-negative number of milliseconds');
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new TimeoutError(timeoutMs, `waiting for ${options.what ?? 'condition'}${why}`, {
        ...(lastError === undefined ? {} : { cause: lastError }),
      });
    }
    await sleep(intervalMs);
  }
}
