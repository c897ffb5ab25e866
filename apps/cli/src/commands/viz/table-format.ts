/** The `-` Linkerd prints for a missing value. */
export const NONE = '-';

/** `91.67%` from a 0..1 fraction. */
export function formatSuccess(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? NONE : `${(rate * 100).toFixed(2)}%`;
}

/** `2.3rps`. */
export function formatRps(rps: number | null | undefined): string {
  return rps === null || rps === undefined ? NONE : `${rps.toFixed(1)}rps`;
}

/** `4ms` (whole milliseconds, as Linkerd prints them). */
export function formatLatency(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? NONE : `${Math.round(ms)}ms`;
}

/** `1.2KB/s`-style byte rates for `-o wide`. */
export function formatByteRate(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return NONE;
  if (bps < 1024) return `${bps.toFixed(1)}B/s`;
  if (bps < 1024 * 1024) return `${(bps / 1024).toFixed(1)}KB/s`;
  return `${(bps / 1024 / 1024).toFixed(1)}MB/s`;
}

/**
 * Renders rows as Linkerd's tables: columns separated by three spaces, the first column
 * left-aligned and the others right-aligned (headers follow their column's alignment).
 * `style` may decorate a cell after alignment (colors).
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { leftColumns?: number; style?: (row: number, column: number, padded: string) => string } = {},
): string {
  const left = options.leftColumns ?? 1;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], row: number) =>
    cells
      .map((c, i) => {
        const padded = i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!);
        return options.style === undefined ? padded : options.style(row, i, padded);
      })
      .join('   ')
      .trimEnd();
  return `${[line(header, -1), ...rows.map((r, i) => line(r, i))].join('\n')}\n`;
}
