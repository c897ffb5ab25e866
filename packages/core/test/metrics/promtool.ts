import { spawnSync } from 'node:child_process';

/** The result of piping exposition text through the real `promtool check metrics`. */
export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
  /** Lint findings, one per line (`<metric> <problem>`), without parse errors. */
  readonly problems: string[];
}

/** Runs `/usr/bin/promtool check metrics` with `text` on stdin. */
export function promtoolCheck(text: string): PromtoolResult {
  const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], {
    input: text,
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.error !== undefined) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  const problems = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return { status: r.status, output, problems };
}

/**
 * promtool's lint flags the `_ms` unit in Linkerd's latency histogram names; those names are
 * Linkerd's contract, so that one finding (and only that one) is expected for them.
 */
export const LINKERD_LATENCY_NAMES = [
  'response_latency_ms',
  'route_response_latency_ms',
  'control_response_latency_ms',
];

/** Lint findings other than the abbreviated-unit finding on Linkerd's latency names. */
export function unexpectedProblems(result: PromtoolResult): string[] {
  return result.problems.filter(
    (p) => !LINKERD_LATENCY_NAMES.some((n) => p === `${n} metric names should not contain abbreviated units`),
  );
}
