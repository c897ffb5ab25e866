import { Command, CommanderError } from 'commander';
import { normalizeBooleanFlags } from './boolean-flags.js';
import type { CliIO } from './cli-io.js';
import { COMMANDS } from './commands/index.js';

/** Builds the `skein` program with every registered command. */
export function createProgram(io: CliIO, version: string): Command {
  const program = new Command('skein')
    .description('Skein: a Linkerd-compatible service mesh, as a TypeScript SDK.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const command of COMMANDS) command.register(program, io);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/**
 * Runs `skein` with `argv` (without the node and script paths). Errors become a message on
 * stderr and exit code 1; commander's help and version exit 0.
 */
export async function runCli(argv: readonly string[], io: CliIO, version: string): Promise<void> {
  const booleans = new Set(COMMANDS.flatMap((c) => c.booleanFlags ?? []));
  const program = createProgram(io, version);
  try {
    await program.parseAsync(normalizeBooleanFlags(argv, booleans), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      io.setExitCode(err.exitCode);
      return;
    }
    io.stderr(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    io.setExitCode(1);
  }
}
