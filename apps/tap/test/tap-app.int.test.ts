import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTapServer, TapHub, type TapServer } from '@skein/tap';
import { type RunningProcess, runProcess } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../dist/main.js');
let dir: string;
let hub: TapHub;
let proxyTap: TapServer;
let app: RunningProcess;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-tap-app-'));
  hub = new TapHub();
  proxyTap = await startTapServer({ hub, listen: { host: '127.0.0.1', port: 0 } });
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    `pods:
  - { name: web-0, namespace: demo, ip: 10.1.0.7, owner: deployment/web, proxy: { admin: "127.0.0.1:1", tap: "127.0.0.1:${proxyTap.address.port}" } }
`,
  );
  app = await runProcess({
    command: process.execPath,
    args: [
      BIN,
      '--inventory',
      inventory,
      '--addr',
      '127.0.0.1:0',
      '--tap-allow-users',
      'alice',
      '--trust-remote-user-headers',
      'true',
    ],
    ready: /tap API listening addr=\S+:(\d+)/,
  });
  base = `http://127.0.0.1:${app.readyMatch![1]}`;
});

afterAll(async () => {
  await app?.close(2000);
  await proxyTap?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('skein-tap', () => {
  it('streams label-hydrated events of a deployment on the Linkerd APIService path, hiding ignored headers', async () => {
    const controller = new AbortController();
    const res = await fetch(
      `${base}/apis/tap.linkerd.io/v1alpha1/watch/namespaces/demo/deployments/web/tap`,
      {
        method: 'POST',
        headers: { 'x-remote-user': 'alice' },
        body: JSON.stringify({ maxRps: 10, extractHeaders: true }),
        signal: controller.signal,
      },
    );
    expect(res.status).toBe(200);
    for (let i = 0; i < 200 && !hub.active; i++) await new Promise((r) => setTimeout(r, 10));
    const s = hub.request({
      id: { base: 1, stream: 1 },
      direction: 'inbound',
      source: { ip: '10.1.0.9', port: 5000 },
      destination: { ip: '10.1.0.7', port: 8080 },
      method: 'GET',
      scheme: 'http',
      authority: 'web:8080',
      path: '/hello',
      headers: ['authorization', 'Bearer secret', 'x-ok', '1'],
      tls: 'true',
      sourceLabels: {},
      destinationLabels: {},
      routeLabels: {},
      startedAt: performance.now(),
    })!;
    s[0]!.onEnd({ sinceRequestMs: 1, sinceResponseMs: 1, responseBytes: 2, trailers: null });
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').length < 3) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const [req, end] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(req.type).toBe('requestInit');
    expect(req.proxy).toBe('demo/web-0');
    expect(req.destination.labels).toMatchObject({ namespace: 'demo', deployment: 'web', pod: 'web-0' });
    expect(req.requestInit.headers).toEqual([['x-ok', '1']]);
    expect(end.type).toBe('responseEnd');
  });

  it('refuses callers the static policy does not list, and unknown resources', async () => {
    const denied = await fetch(`${base}/api/tap`, {
      method: 'POST',
      headers: { 'x-remote-user': 'mallory' },
      body: JSON.stringify({ target: { kind: 'deploy', namespace: 'demo', name: 'web' } }),
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { message: string } }).error.message).toMatch(
      /user "mallory" may not watch deployment\/web/,
    );
    const unknown = await fetch(`${base}/apis/tap.linkerd.io/v1alpha1/watch/namespaces/demo/gizmos/x/tap`, {
      method: 'POST',
      headers: { 'x-remote-user': 'alice' },
    });
    expect(unknown.status).toBe(400);
  });

  it('exits 2 naming a bad flag value', async () => {
    const bad = await runProcess({ command: process.execPath, args: [BIN, '--addr', 'nowhere'] });
    const exit = await bad.exited;
    expect(exit.code).toBe(2);
    expect(bad.stderr()).toMatch(/^skein-tap: invalid --addr="nowhere": expected IP:PORT/);
  });
});
