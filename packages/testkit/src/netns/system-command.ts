import { execFileSync, spawn } from 'node:child_process';
import { NetnsError } from './netns-error.js';

/** How a command ended and what it printed. */
export interface CommandResult {
  /** Exit code, or null when killed by a signal (e.g. on timeout). */
  readonly code: number | null;
  /** The signal that ended it, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout. */
  readonly stdout: string;
  /** Everything it wrote to stderr. */
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  /** Kill (SIGKILL) after this long. Default 15000 ms. */
  readonly timeoutMs?: number;
  /** The child's whole environment; unset inherits. */
  readonly env?: Record<string, string | undefined>;
  /** Working directory of the child. */
  readonly cwd?: string;
}

/** Runs a program (no shell) to completion and returns its exit status and output. */
export function runCommand(argv: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new NetnsError('runCommand needs at least a program name'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new NetnsError(`cannot run ${JSON.stringify(file)}: ${e.message}`, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {
      // The program may exit without reading its input.
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a program and fails with a {@link NetnsError} (naming the command and its stderr) unless it exits 0. */
export async function mustRun(argv: readonly string[], options: RunCommandOptions = {}): Promise<string> {
  const r = await runCommand(argv, options);
  if (r.code !== 0) {
    const how = r.code === null ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
    throw new NetnsError(`\`${argv.join(' ')}\` ${how}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

/** Synchronous best-effort run for exit hooks: errors are ignored. */
export function runQuietlySync(argv: readonly string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
  } catch {
    return '';
  }
}
