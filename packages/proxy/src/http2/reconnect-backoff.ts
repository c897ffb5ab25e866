/** Exponential reconnect backoff (`*_CONNECT_EXP_BACKOFF_{MIN,MAX,JITTER}`). */
export interface BackoffOptions {
  /** First delay in ms (linkerd2-proxy: 100 ms). */
  minMs: number;
  /** Largest delay in ms (linkerd2-proxy: 60 s outbound, 10 s inbound). */
  maxMs: number;
  /** Random extra fraction of each delay, 0–1 (linkerd2-proxy: 0.1). */
  jitter: number;
}

/** Outbound defaults of linkerd2-proxy. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  minMs: 100,
  maxMs: 60_000,
  jitter: 0.1,
});

/**
 * The delay before reconnect attempt `failures` (1 after the first failure): `minMs` doubled per
 * failure, capped at `maxMs`, plus up to `jitter` of itself at random.
 */
export function backoffDelay(options: BackoffOptions, failures: number, random: () => number): number {
  const exp = Math.min(options.maxMs, options.minMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(exp * (1 + options.jitter * random()));
}
