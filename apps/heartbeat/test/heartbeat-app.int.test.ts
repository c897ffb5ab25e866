import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KubeApiServer, runProcess, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('skein-heartbeat', () => {
  let kube: KubeApiServer;
  let endpoint: http.Server;
  const received: URL[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'skein-heartbeat-'));
  const kubeconfig = join(dir, 'kubeconfig.json');

  beforeAll(async () => {
    kube = await startKubeApiServer();
    writeFileSync(kubeconfig, kube.kubeconfig);
    kube.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd' } } as never);
    kube.store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'linkerd-config', namespace: 'linkerd' },
      data: { values: 'linkerdVersion: 0.3.0\n' },
    } as never);
    kube.store.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'linkerd-viz', labels: { 'linkerd.io/extension': 'viz' } },
    } as never);
    endpoint = http.createServer((req, res) => {
      received.push(new URL(req.url ?? '/', 'http://x'));
      res.end('{}');
    });
    endpoint.listen(0, '127.0.0.1');
    await once(endpoint, 'listening');
  });

  afterAll(async () => {
    endpoint.close();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    const p = await runProcess({
      command: process.execPath,
      args: [MAIN, '--kubeconfig', kubeconfig, '--log-format', 'json', ...args],
    });
    const exit = await p.exited;
    return { code: exit.code, output: p.output() };
  }

  it('sends the report to the configured URL and exits 0', async () => {
    const { code, output } = await run([
      '--url',
      `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/version.json`,
    ]);
    expect(code).toBe(0);
    expect(output).toContain('"msg":"heartbeat sent"');
    const q = received.at(-1)!.searchParams;
    expect(q.get('version')).toBe('0.3.0');
    expect(q.get('source')).toBe('heartbeat');
    expect(q.get('ext-viz')).toBe('1');
    expect(q.get('k8s-version')).toBe('v1.33.0-skein-testkit');
  });

  it('exits 0 with a warning when the URL is unreachable, without hanging', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const started = Date.now();
    const { code, output } = await run(['--url', `http://127.0.0.1:${port}/version.json`, '--timeout', '2s']);
    expect(code).toBe(0);
    expect(output).toMatch(/"msg":"heartbeat not delivered"/);
    expect(output).toContain('unreachable: ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('exits 0 with a warning when Prometheus is unreachable, still sending the cluster figures', async () => {
    const before = received.length;
    const { code, output } = await run([
      '--url',
      `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/version.json`,
      '--prometheus-url',
      'http://127.0.0.1:1',
      '--timeout',
      '1s',
    ]);
    expect(code).toBe(0);
    expect(output).toContain('figure left out of the heartbeat');
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)!.searchParams.has('total-rps')).toBe(false);
  });

  it('rejects a bad flag with exit code 2 and a message naming it', async () => {
    const { code, output } = await run(['--url', 'ftp://nope']);
    expect(code).toBe(2);
    expect(output).toContain(
      "option '--url <url>' argument 'ftp://nope' is invalid. expected an http(s) URL",
    );
  });
});
