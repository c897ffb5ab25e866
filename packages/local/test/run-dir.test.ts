import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidLocalMeshError, LocalMeshRunningError } from '../src/errors.js';
import { prepareRunDir, procStartTime, RunRecorder } from '../src/process/run-dir.js';

const root = mkdtempSync(join(tmpdir(), 'skein-local-rundir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const noNetns = async () => {};

// A zombie (killed, not yet reaped) does not count as alive.
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('prepareRunDir', () => {
  it('creates a new directory, and empties one a run made', async () => {
    const dir = join(root, 'a');
    await prepareRunDir(dir, noNetns);
    writeFileSync(join(dir, 'old.log'), 'x');
    await prepareRunDir(dir, noNetns);
    expect(readdirSync(dir)).toEqual(['.skein-local-mesh']);
  });

  it('refuses a directory with files a run did not make', async () => {
    const dir = join(root, 'b');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), '');
    await expect(prepareRunDir(dir, noNetns)).rejects.toThrow(InvalidLocalMeshError);
    expect(readdirSync(dir)).toEqual(['thesis.tex']);
  });

  it('refuses while the run that owns it is alive', async () => {
    const dir = join(root, 'c');
    await prepareRunDir(dir, noNetns);
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      writeFileSync(
        join(dir, 'processes.json'),
        JSON.stringify({
          ownerPid: owner.pid,
          ownerStart: await procStartTime(owner.pid!),
          processes: [],
          netns: [],
        }),
      );
      const err = await prepareRunDir(dir, noNetns).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LocalMeshRunningError);
      expect((err as Error).message).toContain(`(pid ${owner.pid})`);
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('kills the process groups and removes the namespaces a dead run left behind', async () => {
    const dir = join(root, 'd');
    await prepareRunDir(dir, noNetns);
    // A "component" in its own group, left running by an owner that died.
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
      detached: true,
    });
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    const recorder = new RunRecorder(dir);
    await recorder.init();
    await recorder.addProcess('web-0.proxy', orphan.pid!);
    await recorder.addNetns('skein-x-web-0');
    const record = JSON.parse(readFileSync(join(dir, 'processes.json'), 'utf8'));
    writeFileSync(
      join(dir, 'processes.json'),
      JSON.stringify({ ...record, ownerPid: dead.pid, ownerStart: null }),
    );
    const removed: string[] = [];
    const reaped = await prepareRunDir(dir, async (names) => {
      removed.push(...names);
    });
    expect(reaped).toEqual({ processes: [`web-0.proxy (pid ${orphan.pid})`], netns: ['skein-x-web-0'] });
    expect(removed).toEqual(['skein-x-web-0']);
    for (let i = 0; i < 50 && alive(orphan.pid!); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(orphan.pid!)).toBe(false);
  });

  it('leaves alone a pid that now belongs to another process', async () => {
    const dir = join(root, 'e');
    await prepareRunDir(dir, noNetns);
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
      detached: true,
    });
    try {
      writeFileSync(
        join(dir, 'processes.json'),
        JSON.stringify({
          ownerPid: 999_999_9,
          ownerStart: null,
          processes: [{ name: 'x', pid: other.pid, start: '1' }],
          netns: [],
        }),
      );
      expect((await prepareRunDir(dir, noNetns)).processes).toEqual([]);
      expect(alive(other.pid!)).toBe(true);
    } finally {
      process.kill(-other.pid!, 'SIGKILL');
    }
  });
});
