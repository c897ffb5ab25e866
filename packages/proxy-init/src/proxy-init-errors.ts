import { SkeinError } from '@skein/core';
import { type FirewallCommand, formatCommandLine } from './firewall-command.js';

/** Code of {@link FirewallCommandError}. */
export const FIREWALL_COMMAND_ERROR_CODE = 'ERR_SKEIN_FIREWALL_COMMAND';
/** Code of {@link ProxyInitError}. */
export const PROXY_INIT_ERROR_CODE = 'ERR_SKEIN_PROXY_INIT';

/** One command could not be run or exited non-zero. */
export class FirewallCommandError extends SkeinError {
  /** The command that failed. */
  readonly command: FirewallCommand;
  /** Its exit code, or null when it did not start or was killed. */
  readonly exitCode: number | null;
  /** What it wrote to stderr (trimmed). */
  readonly stderr: string;

  constructor(command: FirewallCommand, exitCode: number | null, reason: string, stderr = '') {
    const detail = stderr === '' ? '' : `: ${stderr}`;
    super(FIREWALL_COMMAND_ERROR_CODE, `command \`${formatCommandLine(command)}\` ${reason}${detail}`);
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/**
 * Installing or cleaning up the rules failed. Every change made before the failure was undone;
 * `rollbackErrors` lists undo commands that failed too (then the table may hold leftovers).
 */
export class ProxyInitError extends SkeinError {
  /** The command whose failure stopped the run. */
  readonly failure: FirewallCommandError;
  /** How many applied changes were undone. */
  readonly rolledBack: number;
  /** Undo commands that failed. */
  readonly rollbackErrors: readonly FirewallCommandError[];

  constructor(
    action: string,
    failure: FirewallCommandError,
    rolledBack: number,
    rollbackErrors: FirewallCommandError[],
  ) {
    const undone =
      rollbackErrors.length === 0
        ? `rolled back ${rolledBack} applied change(s), the table is as it was`
        : `rollback incomplete, ${rollbackErrors.length} undo command(s) failed (first: ${rollbackErrors[0]!.message})`;
    super(PROXY_INIT_ERROR_CODE, `${action} failed: ${failure.message}; ${undone}`, { cause: failure });
    this.failure = failure;
    this.rolledBack = rolledBack;
    this.rollbackErrors = rollbackErrors;
  }
}
