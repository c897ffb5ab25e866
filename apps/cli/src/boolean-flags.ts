/**
 * Rewrites `--flag=true` / `--flag=false` of boolean flags into `--flag` / `--no-flag`, so the
 * Linkerd spelling works and a bare boolean flag never swallows the next argument.
 */
export function normalizeBooleanFlags(argv: readonly string[], booleans: ReadonlySet<string>): string[] {
  return argv.map((arg) => {
    const m = /^--([a-z0-9-]+)=(true|false)$/i.exec(arg);
    if (m === null || !booleans.has(m[1]!)) return arg;
    return m[2]!.toLowerCase() === 'true' ? `--${m[1]}` : `--no-${m[1]}`;
  });
}
