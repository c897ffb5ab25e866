import { mustRun, runCommand, runQuietlySync } from './system-command.js';

/** Every namespace the harness creates is named `skein-tk-<pid>-<run>-<pod>`. */
export const NETNS_PREFIX = 'skein-tk-';

const OWNED = /^skein-tk-(\d+)-/;

/** The namespaces that exist now (`ip netns list`). */
export async function listNetns(): Promise<string[]> {
  return parseNetnsList(await mustRun(['ip', 'netns', 'list']));
}

function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/, 1)[0] ?? '')
    .filter((n) => n !== '');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the harness namespaces left by test runs whose process is gone (crashed, killed,
 * interrupted), after killing whatever still runs inside them. Namespaces of live runs, this
 * one's included, are left alone. Returns the names deleted. Called by `createPodNetwork`.
 */
export async function sweepStaleNetns(): Promise<string[]> {
  const swept: string[] = [];
  for (const name of await listNetns()) {
    const m = OWNED.exec(name);
    if (m === null || isAlive(Number(m[1]))) continue;
    await deleteNetns(name);
    swept.push(name);
  }
  return swept;
}

/** Kills every process inside `name`, then deletes it. Missing namespaces are fine. */
export async function deleteNetns(name: string): Promise<void> {
  const pids = await runCommand(['ip', 'netns', 'pids', name]);
  for (const pid of pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await runCommand(['ip', 'netns', 'del', name]);
}

/** {@link deleteNetns} for exit hooks, where only synchronous work runs. */
export function deleteNetnsSync(name: string): void {
  for (const pid of runQuietlySync(['ip', 'netns', 'pids', name]).split(/\s+/)) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  runQuietlySync(['ip', 'netns', 'del', name]);
}
