import { type ChildProcess, spawn } from 'node:child_process';
import { ConfigError, SkeinError } from '@skein/core';

/** Error code of {@link ProcessError}. */
export const PROCESS_ERROR_CODE = 'ERR_SKEIN_PROCESS';

/** A test process failed to start, exited before it was ready, or was not ready in time. */
export class ProcessError extends SkeinError {
  /** Everything the process printed (stdout and stderr interleaved). */
  readonly output: string;

  constructor(message: string, output: string) {
    super(PROCESS_ERROR_CODE, `${message}\n--- output ---\n${output.slice(-4000)}`);
    this.output = output;
  }
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** Executable (looked up on PATH). */
  command: string;
  args?: string[];
  cwd?: string;
  /** The whole environment of the child; unset inherits the parent's. Pass `{ ...process.env, X: '1' }` to add. */
  env?: Record<string, string | undefined>;
  /** Resolve only once a line of stdout or stderr matches. */
  ready?: RegExp;
  /** How long to wait for `ready`. Default: 10000 ms. */
  readyTimeoutMs?: number;
}

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running test process. */
export interface RunningProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The `ready` line's match, when `ready` was given. */
  readonly readyMatch: RegExpMatchArray | undefined;
  /** Stdout and stderr so far, interleaved by line. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line (already printed or to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Settles when the process exits. */
  readonly exited: Promise<ProcessExit>;
  /** Signals the whole process group (SIGTERM), then SIGKILL after `graceMs`; resolves on exit. */
  close(graceMs?: number): Promise<ProcessExit>;
}

// Process groups still alive, killed when the test worker exits so that a crashed or
// forgetful test cannot leave servers running on the shared machine.
const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
}

/** Kills every process group started by {@link runProcess} that is still alive (for `afterAll`). */
export async function closeAllProcesses(): Promise<void> {
  for (const pid of [...live]) killGroup(pid, 'SIGKILL');
}

/**
 * Spawns a process in its own process group, collects its output line by line and, with
 * `ready`, waits for a line matching it. `close()` ends the whole group (children of children
 * too). A process that exits or stays silent before it is ready is a {@link ProcessError}.
 *
 * @example
 * ```ts
 * const proxy = await runProcess({ command: 'node', args: ['dist/main.js'], ready: /listening on (\d+)/ });
 * const port = Number(proxy.readyMatch![1]);
 * await proxy.close();
 * ```
 */
export async function runProcess(options: RunProcessOptions): Promise<RunningProcess> {
  if (typeof options.command !== 'string' || options.command === '')
    throw new ConfigError('command', String(options.command), 'the name or path of an executable');
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0)
    throw new ConfigError('readyTimeoutMs', String(readyTimeoutMs), 'a positive number of milliseconds');
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      const m = line.match(w.pattern);
      if (m !== null) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  const pipe = (stream: NodeJS.ReadableStream, sink: string[]) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      sink.push(chunk);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) onLine(p.replace(/\r$/, ''));
    });
    stream.on('end', () => {
      if (partial !== '') onLine(partial);
    });
  };
  pipe(child.stdout!, out);
  pipe(child.stderr!, err);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawned !== undefined || child.pid === undefined) {
    throw new ProcessError(
      `cannot start ${JSON.stringify(options.command)}: ${spawned?.message ?? 'no pid'}`,
      '',
    );
  }
  const pid = child.pid;
  installExitHook();
  live.add(pid);
  void exited.then(() => live.delete(pid));

  const output = () => lines.join('\n');
  const waitForLine = (pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> => {
    for (const line of lines) {
      const m = line.match(pattern);
      if (m !== null) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(
          new ProcessError(`${options.command}: no line matching ${pattern} within ${timeoutMs}ms`, output()),
        );
      }, timeoutMs);
      const waiter = {
        pattern,
        resolve: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      waiters.push(waiter);
      void exited.then((e) => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(
          new ProcessError(
            `${options.command} exited (code ${e.code}, signal ${e.signal}) before printing ${pattern}`,
            output(),
          ),
        );
      });
    });
  };
  const close = async (graceMs = 2000): Promise<ProcessExit> => {
    if (live.has(pid)) {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      // The leader is gone; make sure nothing it started outlives it.
      killGroup(pid, 'SIGKILL');
      live.delete(pid);
      return result;
    }
    // The leader exited on its own; its children may not have.
    killGroup(pid, 'SIGKILL');
    return exited;
  };
  let readyMatch: RegExpMatchArray | undefined;
  if (options.ready !== undefined) {
    try {
      readyMatch = await waitForLine(options.ready, readyTimeoutMs);
    } catch (e) {
      await close(0);
      throw e;
    }
  }
  return {
    pid,
    child,
    readyMatch,
    output,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    waitForLine,
    exited,
    close,
  };
}
