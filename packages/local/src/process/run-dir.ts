import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidLocalMeshError, LocalMeshRunningError } from '../errors.js';

const MARKER = '.skein-local-mesh';
const RECORD = 'processes.json';

/** One process a run started. */
export interface RecordedProcess {
  readonly name: string;
  readonly pid: number;
  /** Its start time from `/proc/<pid>/stat`, so a recycled pid is never mistaken for it. */
  readonly start: string | null;
}

/** What a run leaves in its run directory while it lives, to be cleaned up if it dies. */
export interface RunRecord {
  readonly ownerPid: number;
  readonly ownerStart: string | null;
  readonly processes: readonly RecordedProcess[];
  /** Network namespaces it created. */
  readonly netns: readonly string[];
}

/** The start time of `pid` (field 22 of `/proc/<pid>/stat`); undefined without /proc or when it is gone. */
export async function procStartTime(pid: number, proc = '/proc'): Promise<string | undefined> {
  try {
    const stat = await readFile(`${proc}/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether `pid` still runs the process recorded with `start`. */
async function sameProcess(pid: number, start: string | null): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === null) return true;
  const now = await procStartTime(pid);
  return now === undefined || now === start;
}

async function readRecord(dir: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RECORD), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** What {@link prepareRunDir} cleaned up from a run that died without stopping. */
export interface Reaped {
  readonly processes: readonly string[];
  readonly netns: readonly string[];
}

/**
 * Makes `dir` ready for a new run: creates it, or empties one a previous run left. A previous
 * run whose owner died (killed, crashed) is cleaned up first: its process groups that still
 * run are killed and its namespaces removed through `removeNetns`.
 * @throws {LocalMeshRunningError} when the previous run's owner is alive.
 * @throws {InvalidLocalMeshError} when `dir` holds files not made by a local mesh.
 */
export async function prepareRunDir(
  dir: string,
  removeNetns: (names: readonly string[]) => Promise<void>,
): Promise<Reaped> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    entries = [];
  }
  if (entries.length > 0 && !entries.includes(MARKER))
    throw new InvalidLocalMeshError('runDir', dir, 'a new or empty directory, or one a local mesh made');
  const record = await readRecord(dir);
  const reaped = { processes: [] as string[], netns: [] as string[] };
  if (record !== undefined) {
    if (record.ownerPid !== process.pid && (await sameProcess(record.ownerPid, record.ownerStart)))
      throw new LocalMeshRunningError(dir, record.ownerPid);
    for (const p of record.processes) {
      if (!(await sameProcess(p.pid, p.start))) continue;
      try {
        process.kill(-p.pid, 'SIGKILL');
        reaped.processes.push(`${p.name} (pid ${p.pid})`);
      } catch {
        // Gone meanwhile.
      }
    }
    if (record.netns.length > 0) {
      await removeNetns(record.netns);
      reaped.netns.push(...record.netns);
    }
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(join(dir, MARKER), 'A run directory of @skein/local; removed and recreated by each run.\n');
  return reaped;
}

/** Keeps the run record of `dir` up to date as processes and namespaces come and go. */
export class RunRecorder {
  readonly #dir: string;
  readonly #processes = new Map<number, RecordedProcess>();
  readonly #netns = new Set<string>();
  #ownerStart: string | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Records the owner (this process). */
  async init(): Promise<void> {
    this.#ownerStart = (await procStartTime(process.pid)) ?? null;
    await this.#flush();
  }

  async addProcess(name: string, pid: number): Promise<void> {
    this.#processes.set(pid, { name, pid, start: (await procStartTime(pid)) ?? null });
    await this.#flush();
  }

  async removeProcess(pid: number): Promise<void> {
    this.#processes.delete(pid);
    await this.#flush();
  }

  async addNetns(name: string): Promise<void> {
    this.#netns.add(name);
    await this.#flush();
  }

  async removeNetns(name: string): Promise<void> {
    this.#netns.delete(name);
    await this.#flush();
  }

  /** Removes the record: nothing is left to clean up. */
  async clear(): Promise<void> {
    await this.#writing;
    await rm(join(this.#dir, RECORD), { force: true });
  }

  #flush(): Promise<void> {
    const record: RunRecord = {
      ownerPid: process.pid,
      ownerStart: this.#ownerStart,
      processes: [...this.#processes.values()],
      netns: [...this.#netns],
    };
    // Writes are chained so the last state always lands last.
    this.#writing = this.#writing.then(async () => {
      const tmp = join(this.#dir, `${RECORD}.tmp`);
      await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
      await rename(tmp, join(this.#dir, RECORD));
    });
    return this.#writing;
  }
}
