// `npm run soak`: runs the soak (10 minutes at 2,000 rps by default; see --help), prints its
// summary, records a passing result for docs/reliability.md, and exits 1 when a check failed.
import { writeFileSync } from 'node:fs';
import { SkeinError } from '@skein/core';
import { recordReliability } from '@skein/testkit';
import { runSoak } from './run-soak.ts';
import { readSoakCommand, soakUsage } from './soak-options.ts';
import { soakReliabilityResult } from './soak-record.ts';
import { formatSoakSummary } from './soak-summary.ts';

let command: ReturnType<typeof readSoakCommand>;
try {
  command = readSoakCommand(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`soak: ${(err as Error).message}\n\n${soakUsage()}`);
  process.exit(2);
}
if (command.help) {
  process.stdout.write(soakUsage());
  process.exit(0);
}
const { options, jsonFile } = command;
process.stdout.write(
  `soak: ${options.durationMs / 1000} s at ${options.rps} rps through two meshed skein-proxy processes (and directly, for the baseline)\n`,
);
try {
  const report = await runSoak(options, (line) => process.stdout.write(`  ${line}\n`));
  process.stdout.write(`\n${formatSoakSummary(report)}\n`);
  if (jsonFile !== undefined) writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  if (report.passed) recordReliability(soakReliabilityResult(report));
  process.exit(report.passed ? 0 : 1);
} catch (err) {
  // A SkeinError says what to do; anything else is a bug in the soak, so show where.
  const text =
    err instanceof SkeinError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`soak: could not run: ${text}\n`);
  process.exit(2);
}
