import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * What a running local mesh advertises so that `skein` finds it without flags: the
 * controller's address, and the pid that wrote it (a state file whose process is gone is
 * stale and ignored).
 */
export interface LocalMeshState {
  /** The controller API, `host:port`. */
  readonly apiAddr: string;
  /** The pid of the process that advertises it. */
  readonly pid: number;
  /** When it was written (ISO 8601). */
  readonly startedAt: string;
}

/**
 * Where the local mesh state lives: `$XDG_RUNTIME_DIR/skein/mesh.json` when the variable is
 * set, else `~/.skein/mesh.json`. `env` and `home` are passed in (libraries do not read the
 * process environment).
 */
export function localMeshStatePath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime !== ''
    ? join(runtime, 'skein', 'mesh.json')
    : join(home, '.skein', 'mesh.json');
}

/** Writes the state atomically (temp file + rename). */
export async function writeLocalMeshState(path: string, state: LocalMeshState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${state.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Removes the state if it is still this pid's. */
export async function clearLocalMeshState(path: string, pid: number): Promise<void> {
  const current = await readLocalMeshState(path, () => true);
  if (current?.pid === pid) await rm(path, { force: true });
}

/**
 * Reads the state; undefined when there is none, it is malformed, or its process is gone
 * (`alive` defaults to probing the pid with signal 0).
 */
export async function readLocalMeshState(
  path: string,
  alive: (pid: number) => boolean = probePid,
): Promise<LocalMeshState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  if (typeof s.apiAddr !== 'string' || typeof s.pid !== 'number' || !alive(s.pid)) return undefined;
  return { apiAddr: s.apiAddr, pid: s.pid, startedAt: typeof s.startedAt === 'string' ? s.startedAt : '' };
}

function probePid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
