import type { Command } from 'commander';
import type { CliIO } from '../cli-io.js';

/** One `skein` command: a file under `src/commands/` that adds itself to the program. */
export interface SkeinCommand {
  /** The command name (`inject`). */
  readonly name: string;
  /** Boolean flags that accept `--flag=true|false`. */
  readonly booleanFlags?: readonly string[];
  /** Adds the command, its flags and its action to `program`. */
  register(program: Command, io: CliIO): void;
}
