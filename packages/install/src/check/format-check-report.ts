import type { CategoryResult, CheckReport, CheckResult } from './run-checks.js';

/** Linkerd's result marks. */
export const CheckMark = { success: '√', warning: '‼', error: '×' } as const;

/** The header of a category: its name underlined with dashes. */
export function formatCategoryHeader(name: string): string {
  return `${name}\n${'-'.repeat(name.length)}\n`;
}

/** One check's lines: the mark and description, then for a problem its message, details and hint. */
export function formatCheckResult(result: CheckResult): string {
  let out = `${CheckMark[result.result]} ${result.description}\n`;
  if (result.result !== 'success') {
    for (const line of (result.error ?? '').split('\n')) out += `    ${line}\n`;
    for (const detail of result.details ?? []) out += `        * ${detail}\n`;
    out += `    see ${result.hint} for hints\n`;
  }
  return out;
}

function formatCategory(category: CategoryResult): string {
  return `${formatCategoryHeader(category.categoryName)}${category.checks.map(formatCheckResult).join('')}`;
}

/** The closing line: `Status check results are √` (or `×`). */
export function formatStatusLine(success: boolean): string {
  return `Status check results are ${success ? CheckMark.success : CheckMark.error}\n`;
}

/** The whole report as `linkerd check` prints it (`-o table`). */
export function formatCheckTable(report: CheckReport): string {
  return `${report.categories.map(formatCategory).join('\n')}\n${formatStatusLine(report.success)}`;
}

/** The report as `-o json` prints it. */
export function formatCheckJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      success: report.success,
      categories: report.categories.map((c) => ({
        categoryName: c.categoryName,
        checks: c.checks.map(({ id: _id, ...rest }) => rest),
      })),
    },
    null,
    2,
  )}\n`;
}
