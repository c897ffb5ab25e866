import { InstallValuesError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const SEGMENT = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

/**
 * Parses a Go duration (`24h0m0s`, `20s`, `1.5h`, `90m`) into milliseconds, as Linkerd's chart
 * values are written.
 *
 * @throws {InstallValuesError} naming `path` when the text is not a positive Go duration.
 */
export function parseGoDuration(text: string, path: string): number {
  const expected = 'a Go duration such as 20s, 90m or 24h0m0s';
  if (typeof text !== 'string' || text === '') throw new InstallValuesError(path, text, expected);
  let total = 0;
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < text.length) {
    const start = SEGMENT.lastIndex;
    const m = SEGMENT.exec(text);
    if (m === null || m.index !== start) throw new InstallValuesError(path, text, expected);
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return Math.round(total);
}
