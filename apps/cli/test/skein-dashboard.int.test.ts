import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, runProcess, waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `skein dashboard` serving @skein/app-web (this package's optional dependency, loaded when the
// command runs), run as the built CLI binary against the built skein-controller.
const SKEIN_BIN = join(import.meta.dirname, '../dist/main.js');
const CONTROLLER_BIN = join(import.meta.dirname, '../../controller/dist/main.js');

const dir = mkdtempSync(join(tmpdir(), 'skein-dashboard-cmd-'));
let controller: RunningProcess;
let controllerAddr: string;
// An environment with no browser, no display, no local mesh and no kubeconfig.
const bare: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: join(dir, 'home'),
  XDG_RUNTIME_DIR: join(dir, 'run'),
};

beforeAll(async () => {
  mkdirSync(bare.HOME!);
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, 'pods:\n  - { name: a-0, namespace: demo, ip: 127.0.0.1, owner: deployment/a }\n');
  controller = await runProcess({
    command: process.execPath,
    args: [CONTROLLER_BIN, '--inventory', inventory, '--addr', '127.0.0.1:0', '--advertise-local', 'false'],
    ready: /controller API listening addr=(\S+)/,
  });
  controllerAddr = controller.readyMatch![1]!;
});

afterAll(async () => {
  await controller?.close(3000);
  rmSync(dir, { recursive: true, force: true });
});

function skein(args: string[], env: Record<string, string> = bare, ready?: RegExp): Promise<RunningProcess> {
  return runProcess({
    command: process.execPath,
    args: [SKEIN_BIN, ...args],
    env,
    ...(ready ? { ready } : {}),
  });
}

describe('skein dashboard', () => {
  it('declares the dashboard it loads at run time, so a published install has it', () => {
    const manifest = (dir: string) =>
      JSON.parse(readFileSync(join(import.meta.dirname, dir, 'package.json'), 'utf8')) as {
        version: string;
        optionalDependencies?: Record<string, string>;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
    const web = manifest('../../web');
    expect(manifest('..').optionalDependencies).toEqual({ '@skein/app-web': web.version });
    // The dashboard's tests do not build the CLI: no workspace cycle.
    expect({ ...web.dependencies, ...web.devDependencies }).not.toHaveProperty('@skein/cli');
  });

  it('serves the dashboard against the controller, prints its URL, and stops on Ctrl-C', async () => {
    const run = await skein(
      ['dashboard', '--port', '0', '--show', 'url', '--api-addr', controllerAddr],
      bare,
      /^(http:\/\/127\.0\.0\.1:\d+\/)$/m,
    );
    const url = run.readyMatch![1]!;
    try {
      expect(run.stdout()).toMatch(/^Skein dashboard available at:\nhttp:/);
      await run.waitForLine(
        new RegExp(`^Talking to the controller at http://${controllerAddr} \\(from --api-addr\\)`),
      );
      expect(run.stdout()).not.toMatch(/Opening|No browser/);
      const config = (await (await fetch(`${url}config.json`)).json()) as {
        controller: unknown;
        version: string;
      };
      expect(config.controller).toEqual({ url: `http://${controllerAddr}`, origin: '--api-addr' });
      const version = (await (await fetch(`${url}api/version`)).json()) as { metricsSource: string };
      expect(version.metricsSource).toBe('scraper');
      expect((await fetch(url)).headers.get('cache-control')).toBe('no-cache');
    } finally {
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);
    }
  });

  it('opens the browser $BROWSER names with the URL, and says so when there is none', async () => {
    const opened = join(dir, 'opened.txt');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${opened}\n`);
    chmodSync(browser, 0o755);
    const run = await skein(
      ['dashboard', '--port', '0', '--api-addr', controllerAddr, '--grafana-url', 'http://127.0.0.1:3000'],
      { ...bare, BROWSER: browser },
      /^Opening the Skein dashboard in the default browser$/m,
    );
    try {
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(run.stdout())![1]!;
      await waitFor(() => existsSync(opened) && readFileSync(opened, 'utf8') === `${url}\n`, {
        what: 'the browser to be given the dashboard URL',
      });
      expect(run.stdout()).toContain(
        'Grafana dashboard available at:\nhttp://127.0.0.1:3000/d/skein-top-line/skein-top-line\n',
      );
    } finally {
      await run.close(3000);
    }
    const headless = await skein(
      ['dashboard', '--port', '0', '--api-addr', controllerAddr],
      bare,
      /^No browser is available here \(no \$BROWSER and no display\): open the URL above\.$/m,
    );
    await headless.close(3000);
  });

  it('opens a dashboard that already runs with --web-addr, without serving one', async () => {
    const run = await skein(['dashboard', '--web-addr', 'dash.example:8084', '--show', 'url']);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe('Skein dashboard available at:\nhttp://dash.example:8084/\n');
  });

  it('without a local controller, explains the Kubernetes path', async () => {
    const run = await skein(['dashboard', '--port', '0']);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain('No local Skein controller was found');
    expect(run.stderr()).toContain('kubectl -n linkerd port-forward svc/linkerd-web 50750:8084');
  });

  it('refuses bad flags and a taken port with what to do', async () => {
    const grafana = await skein(['dashboard', '--show', 'grafana', '--api-addr', controllerAddr]);
    expect((await grafana.exited).code).toBe(1);
    expect(grafana.stderr()).toBe('Error: --show grafana: pass --grafana-url with the address of Grafana\n');
    const port = await skein(['dashboard', '--port', 'http', '--api-addr', controllerAddr]);
    expect((await port.exited).code).toBe(1);
    expect(port.stderr()).toBe('Error: --port: expected a port 0..65535, got "http"\n');
    const taken = controllerAddr.split(':').at(-1)!;
    const busy = await skein(['dashboard', '--port', taken, '--show', 'url', '--api-addr', controllerAddr]);
    expect((await busy.exited).code).toBe(1);
    expect(busy.stderr()).toBe(
      `Error: port ${taken} on 127.0.0.1 is taken: pass another --port (0 picks a free one)\n`,
    );
  });
});
