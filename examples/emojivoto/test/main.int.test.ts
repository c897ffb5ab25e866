import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const children: ChildProcess[] = [];

/** Runs `emojivoto <args>` on this Node and resolves with the address of its "listening" line. */
async function start(args: string[]): Promise<{ child: ChildProcess; addr: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const addr = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (\S+)/.exec(output) ?? /(visiting) /.exec(output);
      if (m !== null) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, addr, output: () => output };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('emojivoto processes', () => {
  it('run together: vote-bot drives web, which calls emoji and voting; SIGTERM stops each cleanly', async () => {
    const emoji = await start(['emoji', '--listen', '127.0.0.1:0']);
    const voting = await start(['voting', '--listen', '127.0.0.1:0', '--doughnut-failure-rate', '1']);
    const web = await start([
      'web',
      '--listen',
      '127.0.0.1:0',
      '--emoji-addr',
      emoji.addr,
      '--voting-addr',
      voting.addr,
    ]);
    const bot = await start(['vote-bot', '--web-addr', web.addr, '--rate', '20', '--doughnut-share', '0.5']);
    // Wait until both a counted vote and a failed doughnut vote have happened.
    let board: { shortcode: string; votes: number }[] = [];
    for (let i = 0; i < 100 && board.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      board = (await (await fetch(`http://${web.addr}/api/leaderboard`)).json()) as typeof board;
    }
    expect(board.length).toBeGreaterThan(0);
    // Every doughnut vote fails (rate 1), so the doughnut never makes the board.
    expect(board.some((r) => r.shortcode === ':doughnut:')).toBe(false);
    for (const p of [bot, web, voting, emoji]) {
      p.child.kill('SIGTERM');
      const [code] = await once(p.child, 'exit');
      expect(code).toBe(0);
      expect(p.output()).toContain('SIGTERM: stopping');
    }
  });

  it('exits 2 naming the bad flag, and 1 when the port is taken', async () => {
    const bad = spawn(process.execPath, [MAIN, 'web', '--listen', 'nope'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    bad.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const [code] = await once(bad, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('--listen: expected host:port');

    const first = await start(['emoji', '--listen', '127.0.0.1:0']);
    const second = spawn(process.execPath, [MAIN, 'emoji', '--listen', first.addr], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err2 = '';
    second.stderr.on('data', (c: Buffer) => {
      err2 += c.toString();
    });
    const [code2] = await once(second, 'exit');
    expect(code2).toBe(1);
    expect(err2).toMatch(/cannot start: .*(EADDRINUSE|address already in use)/i);
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');
  });
});
