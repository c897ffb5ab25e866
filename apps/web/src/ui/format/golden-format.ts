/** Success rate as Linkerd shows it: `91.67%`; `–` without data. */
export function formatSuccess(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(2)}%`;
}

/** Requests per second: `2.3 rps`; `–` without data. */
export function formatRps(rps: number | null | undefined): string {
  if (rps === null || rps === undefined) return '–';
  return rps >= 100 ? `${Math.round(rps)} rps` : `${rps.toFixed(1)} rps`;
}

/** A latency in milliseconds: `0.47 ms`, `2.1 ms`, `32 ms`, `1.2 s`; `–` without data. */
export function formatLatencyMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A duration in microseconds (tap), as milliseconds. */
export function formatMicros(us: number | null | undefined): string {
  return us === null || us === undefined ? '–' : formatLatencyMs(us / 1000);
}

/** Bytes: `512 B`, `1.5 KiB`, `2.0 MiB`. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Meshed pods out of running pods: `3/4`; `–` for resources without pods. */
export function formatMeshed(meshed: number | null, running: number | null): string {
  return meshed === null || running === null ? '–' : `${meshed}/${running}`;
}

/** How healthy a success rate is (Linkerd's thresholds: good ≥ 95%, warning ≥ 90%). */
export type Health = 'good' | 'warning' | 'critical' | 'idle';

/** The {@link Health} of a success rate; `idle` without traffic. */
export function healthOf(rate: number | null | undefined): Health {
  if (rate === null || rate === undefined) return 'idle';
  if (rate >= 0.95) return 'good';
  if (rate >= 0.9) return 'warning';
  return 'critical';
}
