import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `skein` CLI. */
export const SKEIN = fileURLToPath(new URL('../../../../apps/cli/dist/main.js', import.meta.url));

/**
 * A loopback base address for one test run: 127.<100..199>.<0..249>.1, clear of a demo someone
 * runs on the default 127.0.1.1 and of other tests on this shared machine.
 */
export function randomBaseIp(): string {
  return `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.1`;
}

/**
 * A port offset for one test run (10000..21999): the mesh's ports land under the ephemeral
 * range and away from Linkerd's, which another test's process may hold on every address.
 */
export function randomPortOffset(): number {
  return 10_000 + Math.floor(Math.random() * 12_000);
}

/** `skein <args>` to completion. */
export function skein(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SKEIN, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A `skein` process that runs until stopped, with its output so far. */
export interface RunningSkein {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (rejects if the process exits first or after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or 128 + signal number). */
  readonly exited: Promise<number>;
}

/**
 * Preloaded into every long-running `skein` a test starts: the CLI runs in its own process group
 * (so that Ctrl-C-like signals reach only it), so if the test runner is killed midway nothing
 * would stop it; with the parent watch it stops itself (and its demo) once reparented.
 */
const PARENT_WATCH = import.meta.resolve('@skein/local/parent-watch');

/** Starts `skein <args>` in its own process group, stopping itself if the test process dies. */
export function startSkein(args: string[], env: NodeJS.ProcessEnv): RunningSkein {
  const child = spawn(process.execPath, ['--import', PARENT_WATCH, SKEIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const l of listeners) l();
      resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 9));
    });
  });
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        const check = () => {
          const m = pattern.exec(out);
          if (m !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`skein exited before ${pattern}; output:\n${out}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/**
 * Processes alive (not zombies) whose process group is one of `groups` or whose pid is one of
 * them: what a stopped demo must not leave behind. Reads /proc (Linux).
 */
export function survivors(groups: ReadonlySet<number>): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, , pgid] = fields;
    const pid = Number(entry);
    if (state === 'Z') continue;
    if (groups.has(pid) || groups.has(Number(pgid)))
      found.push(`${pid} (pgid ${pgid}): ${stat.slice(0, 80)}`);
  }
  return found;
}

/** Polls `read` until `done` holds for its result, or fails after `timeoutMs` with the last result. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * For `afterAll`: stops a demo a failed test left running the way a user would (SIGTERM, then
 * its orderly stop); if it does not exit, kills it and everything its run directory records
 * (process groups, network namespaces), since its children live in process groups of their own.
 */
export async function stopLeftoverDemo(demo: RunningSkein | undefined, runDir: string): Promise<void> {
  if (demo === undefined || demo.child.exitCode !== null || demo.child.signalCode !== null) return;
  demo.child.kill('SIGTERM');
  const exited = await Promise.race([
    demo.exited.then(() => true),
    new Promise((r) => setTimeout(() => r(false), 20_000)),
  ]);
  if (exited) return;
  demo.child.kill('SIGKILL');
  let record: { processes: { pid: number }[]; netns: string[] };
  try {
    record = JSON.parse(readFileSync(join(runDir, 'processes.json'), 'utf8'));
  } catch {
    return;
  }
  for (const p of record.processes) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  for (const ns of record.netns) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
}
