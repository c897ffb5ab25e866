import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { TimeoutError } from '@skein/core';
import { afterAll, describe, expect, it } from 'vitest';
import { allocatePort, closeAllProcesses, ProcessError, runProcess, waitFor } from '../../src/index.js';

afterAll(() => closeAllProcesses());

// A killed process whose parent is gone stays a zombie until init reaps it: count that as dead.
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('runProcess', () => {
  it('waits for the ready line, passes env, and kills the whole process group on close', async () => {
    const p = await runProcess({
      command: 'sh',
      args: ['-c', 'sleep 30 & echo "child $!"; echo "ready on $PORT" >&2; wait'],
      env: { PATH: process.env.PATH, PORT: '4321' },
      ready: /ready on (\d+)/,
    });
    expect(p.readyMatch?.[1]).toBe('4321');
    const childPid = Number((await p.waitForLine(/child (\d+)/))[1]);
    expect(alive(childPid)).toBe(true);
    expect(p.stderr()).toContain('ready on 4321');
    expect(p.output()).toMatch(/child \d+\nready on 4321|ready on 4321\nchild \d+/);
    const exit = await p.close();
    expect(exit.signal ?? exit.code).toBeTruthy();
    await waitFor(() => !alive(childPid), { what: `grandchild ${childPid} to be killed` });
  });

  it('fails with the output when the process exits before it is ready', async () => {
    const attempt = runProcess({ command: 'sh', args: ['-c', 'echo boom >&2; exit 3'], ready: /never/ });
    await expect(attempt).rejects.toBeInstanceOf(ProcessError);
    await expect(attempt).rejects.toThrow(
      /exited \(code 3, signal null\) before printing \/never\/[\s\S]*boom/,
    );
  });

  it('fails when the ready line does not come in time, and leaves nothing running', async () => {
    const attempt = runProcess({
      command: 'sh',
      args: ['-c', 'echo waiting; sleep 30'],
      ready: /never/,
      readyTimeoutMs: 200,
    });
    await expect(attempt).rejects.toThrow(/no line matching \/never\/ within 200ms[\s\S]*waiting/);
  });

  it('fails clearly for a command that does not exist', async () => {
    await expect(runProcess({ command: 'no-such-command-skein' })).rejects.toThrow(
      /cannot start "no-such-command-skein"/,
    );
  });
});

describe('allocatePort', () => {
  it('returns a port that can then be bound', async () => {
    const port = await allocatePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    server.close();
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? `done after ${n}` : undefined), { intervalMs: 1 })).resolves.toBe(
      'done after 3',
    );
  });

  it('times out with a TimeoutError carrying the last error as cause', async () => {
    const failing = waitFor(
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 50, what: 'the thing' },
    );
    await expect(failing).rejects.toBeInstanceOf(TimeoutError);
    await expect(failing).rejects.toThrow('waiting for the thing (last error: not yet) timed out after 50ms');
  });
});

describe('bad options', () => {
  it('are refused with errors naming the option', async () => {
    await expect(runProcess({ command: '' })).rejects.toThrow(
      'invalid command="": expected the name or path of an executable',
    );
    await expect(runProcess({ command: 'true', readyTimeoutMs: 0 })).rejects.toThrow(
      /invalid readyTimeoutMs="0"/,
    );
    await expect(waitFor(() => true, { timeoutMs: -1 })).rejects.toThrow(/invalid timeoutMs="-1"/);
  });
});
