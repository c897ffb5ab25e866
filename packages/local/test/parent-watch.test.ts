import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const WATCH = new URL('../src/process/parent-watch.ts', import.meta.url).href;

// A zombie (killed, not yet reaped) does not count as alive.
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('parent watch (preloaded into every local mesh process)', () => {
  it('leaves a process alone while its parent lives, and stops it once the parent is killed', async () => {
    // The parent starts a long-running child with the watch preloaded, says its pid, and waits.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
           env: { ...process.env, NODE_OPTIONS: '--import=${WATCH}' }, stdio: 'ignore', detached: true });
         console.log('child ' + c.pid);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    parent.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    while (!/child \d+\n/.test(out)) await sleep(10);
    const child = Number(/child (\d+)/.exec(out)![1]);
    try {
      await sleep(1_500);
      expect(alive(child)).toBe(true);
      parent.kill('SIGKILL');
      for (let i = 0; i < 100 && alive(child); i++) await sleep(50);
      expect(alive(child)).toBe(false);
    } finally {
      if (alive(child)) process.kill(child, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
