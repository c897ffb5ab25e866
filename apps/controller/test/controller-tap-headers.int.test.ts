import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTapServer, TapHub, type TapServer } from '@skein/tap';
import { type RunningProcess, runProcess } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `skein tap -o json` reads the controller's /api/tap: it must hide the same headers skein-tap does.
const BIN = join(import.meta.dirname, '../dist/main.js');
let dir: string;
let hub: TapHub;
let proxyTap: TapServer;
let app: RunningProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-controller-tap-'));
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
    args: [BIN, '--inventory', inventory, '--addr', '127.0.0.1:0', '--scrape-interval', '1h'],
    env: { ...process.env, XDG_RUNTIME_DIR: join(dir, 'run') },
    ready: /controller API listening addr=(\S+)/,
  });
});

afterAll(async () => {
  await app?.close(3000);
  await proxyTap?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('skein-controller /api/tap', () => {
  it('drops authorization, cookie and the other credential headers from the events it streams', async () => {
    const controller = new AbortController();
    const res = await fetch(`http://${app.readyMatch![1]}/api/tap`, {
      method: 'POST',
      body: JSON.stringify({
        target: { kind: 'deploy', namespace: 'demo', name: 'web' },
        extractHeaders: true,
      }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    for (let i = 0; i < 300 && !hub.active; i++) await new Promise((r) => setTimeout(r, 10));
    const s = hub.request({
      id: { base: 1, stream: 1 },
      direction: 'inbound',
      source: { ip: '10.1.0.9', port: 5000 },
      destination: { ip: '10.1.0.7', port: 8080 },
      method: 'GET',
      scheme: 'http',
      authority: 'web:8080',
      path: '/login',
      headers: [
        'authorization',
        'Bearer secret',
        'cookie',
        'session=abc',
        'proxy-authorization',
        'Basic eDp5',
        'x-request-id',
        'r1',
      ],
      tls: 'true',
      sourceLabels: {},
      destinationLabels: {},
      routeLabels: {},
      startedAt: performance.now(),
    })!;
    s[0]!.onResponse({
      status: 200,
      headers: ['set-cookie', 'session=def', 'content-type', 'text/plain'],
      sinceRequestMs: 1,
    });
    s[0]!.onEnd({ sinceRequestMs: 2, sinceResponseMs: 1, responseBytes: 2, trailers: null });
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').length < 4) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).not.toMatch(/secret|session=|eDp5/);
    const [req, rsp] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(req.type).toBe('requestInit');
    expect(req.requestInit.headers).toEqual([['x-request-id', 'r1']]);
    expect(rsp.type).toBe('responseInit');
    expect(rsp.responseInit.headers).toEqual([['content-type', 'text/plain']]);
  });
});
