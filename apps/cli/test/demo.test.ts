import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emojivotoTopology, planLocalMesh } from '@skein/local';
import { afterAll, describe, expect, it } from 'vitest';
import { renderEvent, renderExited, renderPlan, renderRunning } from '../src/commands/demo/demo-output.js';
import { findDemoPrograms, typeStrippingProblem } from '../src/commands/demo/demo-programs.js';
import { defaultRunDir } from '../src/commands/demo.js';
import { runSkein } from './run-skein.js';

const scratch = mkdtempSync(join(tmpdir(), 'skein-cli-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('skein demo output', () => {
  const plan = planLocalMesh({
    topology: emojivotoTopology({ node: 'node', main: 'main.ts' }),
    mode: 'loopback',
  });

  it('says what runs where, then one line per ready component', () => {
    expect(renderPlan(plan)).toBe(
      'Starting the Skein demo: emojivoto on a local mesh (each pod on its own loopback address, its app talking to its sidecar in explicit mode).\n' +
        '  control plane 127.0.1.1; pods emoji-0 127.0.1.2, voting-0 127.0.1.3, web-0 127.0.1.4, vote-bot-0 127.0.1.5\n',
    );
    expect(renderEvent({ type: 'ready', component: 'web-0.proxy', elapsedMs: 2712 })).toBe(
      '  ✓ web-0.proxy        ready after 2.7 s\n',
    );
    expect(renderEvent({ type: 'starting', component: 'identity', pid: 1, detail: '' })).toBeUndefined();
    expect(
      renderEvent({ type: 'reaped', processes: ['web-0.proxy (pid 9)'], netns: ['skein-1-web-0'] }),
    ).toBe('  cleaned up what a previous demo left behind: web-0.proxy (pid 9), netns skein-1-web-0\n');
  });

  it('prints the dashboard, the app and the commands to try once running', () => {
    const text = renderRunning(
      {
        controllerUrl: 'http://127.0.1.1:8085',
        dashboardUrl: 'http://127.0.1.1:8084/',
        tapUrl: undefined,
        identityAddr: '127.0.1.1:8080',
        destinationAddr: '127.0.1.1:8086',
        pods: [{ name: 'web-0', ip: '127.0.1.4', adminAddr: '127.0.1.4:4191', appAddr: '127.0.1.4:8080' }],
        runDir: '/run/x',
        processes: [],
      },
      3100,
      ['@skein/app-tap is not built (no x)'],
      'default',
    );
    expect(text).toContain('Skein demo is running (ready in 3.1 s)');
    expect(text).toContain('  dashboard   http://127.0.1.1:8084/\n  emojivoto   http://127.0.1.4:8080/\n');
    expect(text).toContain('  note: @skein/app-tap is not built (no x)\n');
    for (const cmd of ['stat deploy', 'edges deploy', 'tap deploy/web', 'routes deploy/voting'])
      expect(text).toContain(`npx skein ${cmd} `);
    expect(text).toMatch(/Press Ctrl-C to stop\.\n\n$/);
  });

  it('names a process that died, its log and its last output', () => {
    expect(
      renderExited({
        type: 'exited',
        component: 'voting-0.app',
        exit: { code: 1, signal: null },
        output: 'boom\n',
        logFile: '/run/logs/voting-0.app.log',
      }),
    ).toBe(
      'skein demo: voting-0.app exited with code 1 (log: /run/logs/voting-0.app.log); stopping the demo.\n--- last output of voting-0.app ---\nboom\n',
    );
  });
});

describe('finding what the demo runs', () => {
  it('finds the apps and the example of this repository', () => {
    const programs = findDemoPrograms(import.meta.url, '/node', { dashboard: false, netns: false });
    expect(programs.emojivotoMain).toMatch(/examples\/emojivoto\/src\/main\.ts$/);
    expect(programs.binaries.node).toBe('/node');
    expect(programs.binaries.proxy).toMatch(/apps\/proxy\/dist\/main\.js$/);
    expect(programs.binaries.dashboard).toBeUndefined();
  });

  it('says what is missing and how to get it, outside the repository', () => {
    const outside = join(scratch, 'elsewhere', 'cli.js');
    mkdirSync(join(scratch, 'elsewhere'));
    writeFileSync(outside, '');
    expect(() =>
      findDemoPrograms(pathToFileURL(outside).href, '/node', { dashboard: true, netns: false }),
    ).toThrow(
      'skein demo runs the emojivoto example (@skein/example-emojivoto), which is not installed: skein demo needs a clone of the Skein repository (npm ci && npm start)',
    );
  });

  it('needs a Node.js that strips types', () => {
    expect(typeStrippingProblem({ typescript: 'strip' }, 'v24.21.0')).toBeUndefined();
    expect(typeStrippingProblem({}, 'v20.20.2')).toMatch(
      /needs Node\.js 24 \(this is v20\.20\.2\): run it with `npm start`/,
    );
  });

  it('keeps one run directory per base address', () => {
    expect(defaultRunDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, '127.0.1.1', 1000)).toBe(
      '/run/user/1000/skein/demo-127.0.1.1',
    );
    expect(defaultRunDir({}, '127.0.1.1', 1000)).toBe(join(tmpdir(), 'skein-demo-1000-127.0.1.1'));
  });
});

describe('skein demo flags', () => {
  it('lists its flags', async () => {
    const { code, stdout } = await runSkein(['demo', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--netns',
      '--no-traffic',
      '--no-dashboard',
      '--base-ip <ip>',
      '--rate <visits>',
      '--port-offset <n>',
      '--run-dir <dir>',
    ])
      expect(stdout).toContain(flag);
  });

  it.each([
    [['--rate', '0'], 'Error: --rate: expected visits per second above 0 and at most 1000, got "0"'],
    [['--port-offset', '-5'], 'Error: --port-offset: expected a number from 0 to 55000, got "-5"'],
    [['--ready-timeout', 'soon'], 'Error: invalid --ready-timeout="soon": expected a duration'],
    [
      ['--base-ip', '10.1.2.3'],
      'Error: baseIp: expected an IPv4 address in 127.0.0.0/8 such as 127.0.1.1, got "10.1.2.3"',
    ],
  ])('refuses %j before starting anything', async (args, message) => {
    const { code, stderr } = await runSkein(['demo', ...args, '--run-dir', join(scratch, 'never')]);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});
