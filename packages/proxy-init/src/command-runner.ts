import { execFile } from 'node:child_process';
import type { FirewallCommand } from './firewall-command.js';
import { FirewallCommandError } from './proxy-init-errors.js';

/** What a command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one command. Resolves with its output when it exits 0; rejects with a
 * {@link FirewallCommandError} otherwise.
 */
export type CommandRunner = (command: FirewallCommand) => Promise<CommandOutput>;

/** Options of {@link execFileRunner}. */
export interface ExecFileRunnerOptions {
  /** Kill a command that runs longer than this. Default 30000 ms (iptables `-w` may wait for a lock). */
  readonly timeoutMs?: number;
}

/** A {@link CommandRunner} over `child_process.execFile`: no shell, arguments passed as they are. */
export function execFileRunner(options: ExecFileRunnerOptions = {}): CommandRunner {
  const timeout = options.timeoutMs ?? 30_000;
  return (command) =>
    new Promise((resolve, reject) => {
      execFile(
        command.file,
        [...command.args],
        { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
        (err, stdout, stderr) => {
          if (err === null) {
            resolve({ stdout, stderr });
            return;
          }
          const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
          if (e.code === 'ENOENT')
            reject(new FirewallCommandError(command, null, 'could not start: program not found'));
          else if (typeof e.code === 'string')
            reject(new FirewallCommandError(command, null, `could not start: ${e.message}`));
          else if (e.killed)
            reject(new FirewallCommandError(command, null, `timed out after ${timeout}ms`, stderr.trim()));
          else
            reject(
              new FirewallCommandError(
                command,
                typeof e.code === 'number' ? e.code : null,
                `exited with code ${String(e.code)}`,
                stderr.trim(),
              ),
            );
        },
      );
    });
}
