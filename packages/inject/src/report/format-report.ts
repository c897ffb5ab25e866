import type { ResourceReport } from './resource-report.js';

function label(r: ResourceReport): string {
  return `${r.kind} "${r.name}"`;
}

/**
 * The human report the CLI prints on stderr, after the documents: warnings first (`‼`), then
 * one line per resource (`deployment "web" injected`, `… skipped: <reasons>`), then errors.
 */
export function formatReport(reports: readonly ResourceReport[], errors: readonly string[] = []): string {
  const lines: string[] = [''];
  for (const r of reports) for (const w of r.warnings) lines.push(`‼ ${label(r)}: ${w}`);
  if (lines.length > 1) lines.push('');
  for (const r of reports) {
    const why = r.reasons.length > 0 ? `: ${r.reasons.map((x) => x.message).join(', ')}` : '';
    lines.push(`${label(r)} ${r.outcome}${r.outcome === 'skipped' || r.outcome === 'failed' ? why : ''}`);
  }
  if (errors.length > 0) lines.push('', 'Error transforming resources:', ...errors);
  return `${lines.join('\n')}\n`;
}
