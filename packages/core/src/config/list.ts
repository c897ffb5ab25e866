/**
 * Splits a comma-separated list the way linkerd2-proxy does: entries are trimmed and empty
 * entries skipped, so `"a, ,b,"` yields `a` and `b` and `""` yields nothing.
 */
export function splitList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry !== '') out.push(entry);
  }
  return out;
}
