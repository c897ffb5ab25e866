import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Which part of the reliability suite a result belongs to (`docs/reliability.md` sections). */
export type ReliabilitySuite = 'fault' | 'attack' | 'fuzz' | 'soak';

/** One row of `docs/reliability.md`: a fault or attack, what should happen, and what did. */
export interface ReliabilityResult {
  /** The section. */
  readonly suite: ReliabilitySuite;
  /** Stable identifier, kebab-case (`destination-restart-under-load`); one file per id. */
  readonly id: string;
  /** The fault or attack, in a sentence. */
  readonly scenario: string;
  /** The expected behaviour. */
  readonly expected: string;
  /** What was measured in this run (figures, statuses), in a sentence. */
  readonly measured: string;
  /** Whether the measured behaviour met the expectation. */
  readonly passed: boolean;
}

/**
 * The directory results are written to: `SKEIN_RELIABILITY_DIR`, else `.reliability/` at the
 * root of the repository (the nearest ancestor of the working directory with `workspaces`).
 */
export function reliabilityDir(): string {
  const fromEnv = process.env.SKEIN_RELIABILITY_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  let dir = process.cwd();
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
      if (json.workspaces !== undefined) return join(dir, '.reliability');
    }
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), '.reliability');
    dir = parent;
  }
}

/**
 * Records one result of the reliability suite as `<dir>/<suite>-<id>.json`, for
 * `scripts/reliability-report.mjs` to gather into `docs/reliability.md`. Call it after the
 * test's assertions have been made, with what was measured (so a failing run records nothing
 * stale: a later passing run overwrites the file).
 */
export function recordReliability(result: ReliabilityResult): void {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(result.id)) {
    throw new TypeError(`reliability result id "${result.id}": expected kebab-case (a-z, 0-9, dashes)`);
  }
  const dir = reliabilityDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${result.suite}-${result.id}.json`),
    `${JSON.stringify({ ...result, recordedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}
