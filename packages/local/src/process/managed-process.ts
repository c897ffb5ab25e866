import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { ComponentFailedError } from '../errors.js';

/** What to run. */
export interface ProcessSpec {
  /** Name in events, errors and the log file name (`identity`, `web-0.proxy`). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment of the child. */
  readonly env: Readonly<Record<string, string>>;
  /** Where its output goes (appended). */
  readonly logFile: string;
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const TAIL_LINES = 40;

/**
 * A child process in its own process group (so a signal reaches everything it started, and
 * the terminal's Ctrl-C reaches only the orchestrator, which then stops children in order).
 * Its output is relayed line by line to a log file and kept in a short tail for errors.
 */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process exits. */
  readonly exited: Promise<ProcessExit>;
  readonly #tail: string[] = [];
  readonly #waiters = new Set<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }>();
  #exit: ProcessExit | undefined;

  private constructor(spec: ProcessSpec, child: ChildProcess, log: WriteStream) {
    this.name = spec.name;
    this.pid = child.pid!;
    this.logFile = spec.logFile;
    const relay = (stream: NodeJS.ReadableStream) => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        if (!log.destroyed) log.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.#line(line);
      });
      stream.on('end', () => {
        if (partial !== '') this.#line(partial);
      });
    };
    relay(child.stdout!);
    relay(child.stderr!);
    this.exited = new Promise<ProcessExit>((resolve) => {
      child.once('close', (code, signal) => {
        this.#exit = { code, signal };
        log.end();
        resolve(this.#exit);
      });
    });
  }

  /**
   * Starts `spec`.
   * @throws {ComponentFailedError} when it cannot be started at all (e.g. the executable is missing).
   */
  static async spawn(spec: ProcessSpec): Promise<ManagedProcess> {
    const log = openLog(spec);
    const child = spawn(spec.command, [...spec.args], {
      env: { ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const failure = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', resolve);
    });
    if (failure !== undefined || child.pid === undefined) {
      log.end();
      throw new ComponentFailedError(
        spec.name,
        `could not be started (${spec.command}: ${failure?.message ?? 'no pid'})`,
        '',
        undefined,
      );
    }
    return new ManagedProcess(spec, child, log);
  }

  /** Whether it still runs. */
  get running(): boolean {
    return this.#exit === undefined;
  }

  /** How it ended, once it has. */
  get exit(): ProcessExit | undefined {
    return this.#exit;
  }

  /** The last lines it printed. */
  tail(): string {
    return this.#tail.join('\n');
  }

  /**
   * Resolves with the first line matching `pattern` (among the tail already printed, then to come).
   * @throws {ComponentFailedError} when the process exits first or `timeoutMs` passes.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.#tail) {
      const m = line.match(pattern);
      if (m !== null) return Promise.resolve(m);
    }
    return new Promise<RegExpMatchArray>((resolve, reject) => {
      const waiter = { pattern, resolve: (m: RegExpMatchArray) => settle(() => resolve(m)) };
      const timer = setTimeout(
        () =>
          settle(() => reject(this.failure(`printed nothing matching ${pattern} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        fn();
      };
      this.#waiters.add(waiter);
      void this.exited.then(() => settle(() => reject(this.failure(this.describeExit()))));
    });
  }

  /** An error about this process, with its output tail. */
  failure(problem: string): ComponentFailedError {
    return new ComponentFailedError(this.name, problem, this.tail(), this.logFile);
  }

  /** `exited with code 1` / `was killed by SIGKILL`. */
  describeExit(): string {
    const e = this.#exit;
    if (e === undefined) return 'is running';
    return e.signal !== null ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
  }

  /** Sends `signal` to its whole process group. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // The group is gone.
    }
  }

  /**
   * Stops it: SIGTERM to the group, then SIGKILL to the group if it has not exited within
   * `graceMs`; also SIGKILLs the group after the leader exits, so nothing it forked survives.
   */
  async stop(graceMs: number): Promise<ProcessExit> {
    if (this.#exit === undefined) {
      this.signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.exited.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) this.signal('SIGKILL');
    }
    this.signal('SIGKILL');
    return this.exited;
  }

  #line(line: string): void {
    const clean = line.replace(/\r$/, '');
    this.#tail.push(clean);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    for (const w of [...this.#waiters]) {
      const m = clean.match(w.pattern);
      if (m !== null) w.resolve(m);
    }
  }
}

/**
 * Opens the process's log now (a missing directory is a clear error before anything starts,
 * not an asynchronous one later). A log that fails afterwards (disk full, file removed) stops
 * being written; the process keeps running and the tail kept for errors still has its output.
 */
function openLog(spec: ProcessSpec): WriteStream {
  let fd: number;
  try {
    fd = openSync(spec.logFile, 'a', 0o600);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ComponentFailedError(spec.name, `could not open its log file (${reason})`, '', undefined);
  }
  const log = createWriteStream('', { fd });
  log.on('error', () => log.destroy());
  return log;
}
