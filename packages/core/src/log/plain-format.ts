const SKIPPED = new Set(['level', 'time', 'msg', 'target', 'err']);

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * Rewrites one pino JSON line into Skein's plain format, modelled on linkerd2-proxy's:
 * `[   1.234567s]  INFO skein::proxy: message key=value`, where the time is seconds since
 * `startMs`. A line that is not JSON is returned unchanged.
 */
export function formatPlainLine(json: string, startMs: number): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof rec.time === 'number' ? rec.time : startMs;
  const uptime = `${((time - startMs) / 1000).toFixed(6)}s`.padStart(14);
  const level = (LEVEL_NAMES[rec.level as number] ?? String(rec.level)).padStart(5);
  const target = typeof rec.target === 'string' ? ` ${rec.target}:` : '';
  let line = `[${uptime}] ${level}${target}`;
  if (rec.msg !== undefined) line += ` ${String(rec.msg)}`;
  for (const [key, value] of Object.entries(rec)) {
    if (!SKIPPED.has(key)) line += ` ${key}=${formatValue(value)}`;
  }
  const err = rec.err as { message?: unknown } | undefined;
  if (err !== undefined) line += ` error=${formatValue(err.message ?? err)}`;
  return `${line}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
