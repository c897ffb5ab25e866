import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '@skein/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

const BIN = join(import.meta.dirname, '../dist/main.js');
const dir = mkdtempSync(join(tmpdir(), 'skein-controller-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('skein-controller configuration', () => {
  it('defaults to the built-in scraper on 127.0.0.1:8085, flags over environment', () => {
    const c = readConfig(['--inventory', 'inv.yaml'], {
      SKEIN_CONTROLLER_SCRAPE_INTERVAL: '2s',
      SKEIN_CONTROLLER_ADDR: ':9000',
    });
    expect(c.addr).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(c.scrapeIntervalMs).toBe(2000);
    expect(c.prometheusUrl).toBeUndefined();
    expect(c.advertiseLocal).toBe(true);
    expect(readConfig(['--addr', '127.0.0.1:1'], { SKEIN_CONTROLLER_ADDR: ':9000' }).addr.port).toBe(1);
    expect(readConfig([], {}).advertiseLocal).toBe(false);
    // Tap on Kubernetes: only this control plane's pods when set, any by default.
    expect(c.controllerNamespace).toBeUndefined();
    expect(
      readConfig(['--controller-namespace', 'linkerd'], { SKEIN_CONTROLLER_CONTROLLER_NAMESPACE: 'x' })
        .controllerNamespace,
    ).toBe('linkerd');
    expect(readConfig([], { SKEIN_CONTROLLER_CONTROLLER_NAMESPACE: 'mesh' }).controllerNamespace).toBe(
      'mesh',
    );
  });

  it('reports every bad value at once, naming each', () => {
    expect(() =>
      readConfig(['--prometheus-url', 'prom:9090', '--scrape-interval', '10'], {
        SKEIN_CONTROLLER_LOG_FORMAT: 'xml',
      }),
    ).toThrow(
      /3 configuration settings are invalid:\n {2}- .*--prometheus-url.*\n {2}- .*--scrape-interval.*\n {2}- .*SKEIN_CONTROLLER_LOG_FORMAT/,
    );
    expect(() => readConfig(['--bogus', 'x'], {})).toThrow(/arguments/);
    expect(() => readConfig(['--discovery-file', 'd.yaml'], {})).toThrow(/--discovery-file.*--inventory/);
  });
});

describe('skein-controller', () => {
  it('serves the API, advertises itself to the local CLI and withdraws on SIGTERM', async () => {
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(
      inventory,
      'pods:\n  - { name: a-0, namespace: demo, ip: 127.0.0.1, owner: deployment/a }\n',
    );
    const run = join(dir, 'run');
    const app = await runProcess({
      command: process.execPath,
      args: [BIN, '--inventory', inventory, '--addr', '127.0.0.1:0'],
      env: { ...process.env, XDG_RUNTIME_DIR: run },
      ready: /controller API listening addr=(\S+)/,
    });
    const addr = app.readyMatch![1]!;
    const state = JSON.parse(readFileSync(join(run, 'skein', 'mesh.json'), 'utf8')) as {
      apiAddr: string;
      pid: number;
    };
    expect(state.apiAddr).toBe(addr);
    const version = (await (await fetch(`http://${addr}/api/version`)).json()) as { metricsSource: string };
    expect(version.metricsSource).toBe('scraper');
    const stat = (await (await fetch(`http://${addr}/api/stat?kind=deploy&namespace=demo`)).json()) as {
      rows: { meshedPods: number }[];
    };
    expect(stat.rows).toEqual([
      expect.objectContaining({
        resource: { kind: 'deployment', namespace: 'demo', name: 'a' },
        meshedPods: 0,
        runningPods: 1,
      }),
    ]);
    expect((await app.close(3000)).code).toBe(0);
    expect(existsSync(join(run, 'skein', 'mesh.json'))).toBe(false);
  });

  it('refuses a broken inventory file, naming the field', async () => {
    const inventory = join(dir, 'bad.yaml');
    writeFileSync(inventory, 'pods:\n  - { name: a-0, ip: 127.0.0.1, owner: widget/a }\n');
    const app = await runProcess({
      command: process.execPath,
      args: [BIN, '--inventory', inventory, '--addr', '127.0.0.1:0'],
    });
    expect((await app.exited).code).toBe(1);
    expect(app.stderr()).toMatch(/cannot start: .*bad\.yaml: pods\[0\]\.owner: expected kind\/name/);
  });
});
