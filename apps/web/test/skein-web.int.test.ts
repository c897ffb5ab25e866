import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@skein/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedController } from '../src/server/controller-target.js';
import { startDashboardServer } from '../src/server/dashboard-server.js';
import { CONTROLLER_BIN, WEB_BIN } from './support/dashboard-stack.js';

const dir = mkdtempSync(join(tmpdir(), 'skein-web-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skein-web', () => {
  it('finds a local controller through the state file it advertises, serves, and stops on SIGTERM', async () => {
    const run = join(dir, 'run');
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(
      inventory,
      'pods:\n  - { name: a-0, namespace: demo, ip: 127.0.0.1, owner: deployment/a }\n',
    );
    const env = { ...process.env, XDG_RUNTIME_DIR: run, SKEIN_WEB_API_ADDR: '' };
    const controller = await runProcess({
      command: process.execPath,
      args: [CONTROLLER_BIN, '--inventory', inventory, '--addr', '127.0.0.1:0'],
      env,
      ready: /controller API listening addr=(\S+)/,
    });
    try {
      const web = await runProcess({
        command: process.execPath,
        args: [WEB_BIN, '--addr', '127.0.0.1:0'],
        env,
        ready: /dashboard listening url=(\S+) controller=(\S+) from=/,
      });
      const url = web.readyMatch![1]!;
      expect(web.readyMatch![2]).toBe(`http://${controller.readyMatch![1]}`);
      const config = (await (await fetch(`${url}config.json`)).json()) as { controller: { origin: string } };
      expect(config.controller.origin).toBe(`the local mesh (${join(run, 'skein', 'mesh.json')})`);
      const version = (await (await fetch(`${url}api/version`)).json()) as { metricsSource: string };
      expect(version.metricsSource).toBe('scraper');
      expect((await fetch(url)).status).toBe(200);
      expect(await web.close(3000)).toEqual({ code: 0, signal: null });
    } finally {
      await controller.close(3000);
    }
  });

  it('prints its flags with --help, and exits 2 naming every bad setting', async () => {
    const help = await runProcess({ command: process.execPath, args: [WEB_BIN, '--help'] });
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toMatch(
      /^usage: skein-web \[flags\]\n {2}--addr .*\[\$SKEIN_WEB_ADDR\] \(default 127\.0\.0\.1:8084\)/,
    );
    const bad = await runProcess({
      command: process.execPath,
      args: [WEB_BIN, '--api-addr', 'nowhere', '--refresh-interval', 'soon'],
      env: { ...process.env, SKEIN_WEB_LOG_FORMAT: 'xml' },
    });
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(
      /^skein-web: 3 configuration settings are invalid:\n.*--api-addr.*\n.*--refresh-interval.*\n.*SKEIN_WEB_LOG_FORMAT/,
    );
  });

  it('exits 1 naming the address when it cannot listen', async () => {
    const first = await runProcess({
      command: process.execPath,
      args: [WEB_BIN, '--addr', '127.0.0.1:0', '--api-addr', '127.0.0.1:1'],
      ready: /dashboard listening url=http:\/\/127\.0\.0\.1:(\d+)\//,
    });
    try {
      const taken = first.readyMatch![1]!;
      const second = await runProcess({
        command: process.execPath,
        args: [WEB_BIN, '--addr', `127.0.0.1:${taken}`, '--api-addr', '127.0.0.1:1'],
      });
      expect((await second.exited).code).toBe(1);
      expect(second.stderr()).toMatch(
        new RegExp(`^skein-web: cannot listen on 127\\.0\\.0\\.1:${taken}: .*EADDRINUSE`),
      );
    } finally {
      await first.close(3000);
    }
  });

  it('refuses to start without a built front end, saying how to build it', async () => {
    await expect(
      startDashboardServer({
        controller: fixedController({ url: 'http://127.0.0.1:1', origin: 'test' }),
        listen: { host: '127.0.0.1', port: 0 },
        assetsDir: join(dir, 'no-such-build'),
      }),
    ).rejects.toThrow(
      `the dashboard's front end is missing at ${join(dir, 'no-such-build')} (ENOENT); build it with \`npm run build -w @skein/app-web\``,
    );
  });
});
