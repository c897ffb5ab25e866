import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import type { CliIO } from './cli-io.js';
import { runCli } from './program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
// The reader went away (`skein tap … | head`): stop quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(exitCode);
  throw err;
});
let exitCode = 0;
const io: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => text(process.stdin),
  setExitCode: (code) => {
    exitCode = Math.max(exitCode, code);
  },
};

await runCli(process.argv.slice(2), io, version);
process.exitCode = exitCode;
