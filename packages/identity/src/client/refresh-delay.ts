/** linkerd2-proxy's default shortest wait before a refresh: 10 s (`IDENTITY_MIN_REFRESH`). */
export const DEFAULT_MIN_REFRESH_MS = 10_000;
/** linkerd2-proxy's default longest wait before a refresh: 24 h (`IDENTITY_MAX_REFRESH`). */
export const DEFAULT_MAX_REFRESH_MS = 24 * 3600_000;

/**
 * How long to wait before refreshing a certificate valid until `validUntilMs`: 70% of the
 * remaining lifetime, clamped to [`minMs`, `maxMs`]. An expired certificate gives `minMs`.
 */
export function refreshDelayMs(
  validUntilMs: number,
  nowMs: number,
  minMs = DEFAULT_MIN_REFRESH_MS,
  maxMs = DEFAULT_MAX_REFRESH_MS,
): number {
  const remaining = Math.max(0, validUntilMs - nowMs);
  return Math.min(maxMs, Math.max(minMs, Math.floor(remaining * 0.7)));
}
