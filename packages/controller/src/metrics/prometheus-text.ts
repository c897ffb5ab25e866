/** One sample of a Prometheus text exposition. */
export interface ExpositionSample {
  /** Metric name, including `_bucket`/`_sum`/`_count`/`_total` suffixes. */
  readonly name: string;
  /** Labels. */
  readonly labels: Record<string, string>;
  /** Value. */
  readonly value: number;
}

function unescapeLabelValue(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * Parses the Prometheus text format (and the OpenMetrics subset proxies emit): comments and
 * `# EOF` are skipped, label values are unescaped, timestamps ignored. Malformed lines are
 * skipped and counted in `skipped`, so one odd line never hides a proxy's other metrics.
 */
export function parsePrometheusText(text: string): { samples: ExpositionSample[]; skipped: number } {
  const samples: ExpositionSample[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.slice(0, brace);
      const parsed = parseLabels(line, brace + 1);
      if (parsed === undefined) {
        skipped++;
        continue;
      }
      labels = parsed.labels;
      rest = line.slice(parsed.end + 1).trim();
    } else {
      if (space < 0) {
        skipped++;
        continue;
      }
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const valueText = rest.split(/\s+/)[0] ?? '';
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (valueText === '' || (Number.isNaN(value) && valueText !== 'NaN')) {
      skipped++;
      continue;
    }
    samples.push({ name, labels, value });
  }
  return { samples, skipped };
}

function parseLabels(
  line: string,
  start: number,
): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i };
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') return undefined;
    const key = line.slice(i, eq).trim();
    let j = eq + 2;
    let value = '';
    while (j < line.length && line[j] !== '"') {
      if (line[j] === '\\') {
        value += line.slice(j, j + 2);
        j += 2;
      } else {
        value += line[j];
        j++;
      }
    }
    if (j >= line.length) return undefined;
    labels[key] = unescapeLabelValue(value);
    i = j + 1;
  }
}
