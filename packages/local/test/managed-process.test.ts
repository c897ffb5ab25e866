import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComponentFailedError } from '../src/errors.js';
import { ManagedProcess } from '../src/process/managed-process.js';

const dir = mkdtempSync(join(tmpdir(), 'skein-local-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A zombie (killed, not yet reaped by whoever inherited it) does not count as alive.
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const node = (name: string, code: string) =>
  ManagedProcess.spawn({
    name,
    command: process.execPath,
    args: ['-e', code],
    env: { PATH: process.env.PATH ?? '' },
    logFile: join(dir, `${name}.log`),
  });

describe('ManagedProcess', () => {
  it('relays output to its log, matches lines, and stops its whole process group', async () => {
    // The child forks a grandchild that ignores SIGTERM, then says so.
    const p = await node(
      'parent',
      `const { spawn } = require('node:child_process');
       const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
       console.log('grandchild ' + g.pid);
       setInterval(() => {}, 1000);`,
    );
    const m = await p.waitForLine(/grandchild (\d+)/, 10_000);
    const grandchild = Number(m[1]);
    expect(alive(grandchild)).toBe(true);
    const exit = await p.stop(500);
    expect(exit.signal ?? exit.code).toBeDefined();
    // SIGKILL to the group reaches the grandchild, which shrugged SIGTERM off.
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(grandchild)).toBe(false);
    expect(alive(p.pid)).toBe(false);
    expect(readFileSync(p.logFile, 'utf8')).toBe(`grandchild ${grandchild}\n`);
  });

  it('fails a wait when the process exits first, with its output', async () => {
    const p = await node('crasher', "console.error('cannot listen: EADDRINUSE'); process.exit(3)");
    const err = await p.waitForLine(/listening/, 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComponentFailedError);
    expect((err as Error).message).toBe(
      `crasher exited with code 3 (log: ${p.logFile}).\n--- last output of crasher ---\ncannot listen: EADDRINUSE`,
    );
  });

  it('fails a wait that times out, and stops a process that leaves on SIGTERM', async () => {
    const p = await node('quiet', 'setInterval(() => {}, 1000)');
    await expect(p.waitForLine(/never/, 100)).rejects.toThrow(
      'quiet printed nothing matching /never/ within 100 ms',
    );
    expect(await p.stop(5000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(p.running).toBe(false);
  });

  it('refuses an executable that does not exist', async () => {
    await expect(
      ManagedProcess.spawn({
        name: 'ghost',
        command: '/nonexistent/bin',
        args: [],
        env: {},
        logFile: join(dir, 'g.log'),
      }),
    ).rejects.toThrow(/^ghost could not be started \(\/nonexistent\/bin: spawn \/nonexistent\/bin ENOENT\)/);
  });

  it('refuses a log file it cannot open, before starting anything', async () => {
    await expect(
      ManagedProcess.spawn({
        name: 'nolog',
        command: process.execPath,
        args: ['-e', 'setInterval(() => {}, 1000)'],
        env: {},
        logFile: join(dir, 'missing-dir', 'nolog.log'),
      }),
    ).rejects.toThrow(
      /^nolog could not open its log file \(ENOENT: no such file or directory, open '.*missing-dir\/nolog\.log'\)/,
    );
  });
});
