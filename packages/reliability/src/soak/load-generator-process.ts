import { fileURLToPath } from 'node:url';
import { type RunningProcess, runProcess } from '@skein/testkit';
import { LOAD_LINE, type LoadPlan, type LoadResult } from './load-plan.ts';

const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

/** A running load generator process and its final report. */
export interface LoadGenerator {
  process: RunningProcess;
  /** Resolves with the report once the run is over; rejects when the process dies or stalls. */
  result: Promise<LoadResult>;
}

/**
 * Starts the open-loop load generator (`load-generator.ts`) as its own process; resolves once it
 * is about to send the first request. The result must arrive within the run's duration plus the
 * request timeout and a minute.
 */
export async function startLoadGenerator(plan: LoadPlan): Promise<LoadGenerator> {
  const process_ = await runProcess({
    command: process.execPath,
    args: [GENERATOR, JSON.stringify(plan)],
    env: { PATH: process.env.PATH },
    ready: new RegExp(LOAD_LINE.started),
  });
  const result = process_
    .waitForLine(new RegExp(`^${LOAD_LINE.result}(.*)$`), plan.durationMs + plan.timeoutMs + 60_000)
    .then((m) => JSON.parse(m[1]!) as LoadResult)
    .finally(() => process_.close(1_000));
  // The caller may attach later; a rejection must not be reported as unhandled meanwhile.
  result.catch(() => {});
  return { process: process_, result };
}
