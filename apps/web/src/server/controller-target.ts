import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The controller the dashboard talks to, and where that address came from (for error messages). */
export interface ControllerTarget {
  /** Base URL, no trailing slash (`http://127.0.0.1:8085`). */
  readonly url: string;
  /** Where the address came from: `--api-addr`, `SKEIN_WEB_API_ADDR`, the local mesh state file, the default. */
  readonly origin: string;
}

/** Finds the controller for one request. */
export type ControllerLocator = () => Promise<ControllerTarget>;

/** `host:port` or an http(s) URL as a base URL without a trailing slash. */
export function controllerUrl(addr: string): string {
  return /^https?:\/\//.test(addr) ? addr.replace(/\/+$/, '') : `http://${addr}`;
}

/** Always the same controller (`--api-addr`, `SKEIN_WEB_API_ADDR`). */
export function fixedController(target: ControllerTarget): ControllerLocator {
  return () => Promise.resolve(target);
}

/**
 * The path of the local mesh state file a local controller writes (`skein-controller
 * --advertise-local`): `$XDG_RUNTIME_DIR/skein/mesh.json`, else `~/.skein/mesh.json`.
 */
export function localMeshStatePath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime !== ''
    ? join(runtime, 'skein', 'mesh.json')
    : join(home, '.skein', 'mesh.json');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The `apiAddr` of the local mesh state file, unless it is missing, malformed or its process is gone. */
export async function readAdvertisedController(path: string): Promise<string | undefined> {
  let state: unknown;
  try {
    state = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof state !== 'object' || state === null) return undefined;
  const { apiAddr, pid } = state as Record<string, unknown>;
  if (typeof apiAddr !== 'string' || apiAddr === '' || typeof pid !== 'number' || !alive(pid))
    return undefined;
  return apiAddr;
}

/**
 * The controller a running local mesh advertises in its state file, else `fallback`. The file
 * is read again at most every `cacheMs`, so a controller started (or restarted on another
 * port) after the dashboard is found without restarting the dashboard.
 */
export function advertisedController(
  statePath: string,
  fallback: ControllerTarget,
  cacheMs = 2000,
): ControllerLocator {
  let cached: { target: ControllerTarget; until: number } | undefined;
  return async () => {
    const now = Date.now();
    if (cached !== undefined && now < cached.until) return cached.target;
    const addr = await readAdvertisedController(statePath);
    const target =
      addr === undefined ? fallback : { url: controllerUrl(addr), origin: `the local mesh (${statePath})` };
    cached = { target, until: now + cacheMs };
    return target;
  };
}
