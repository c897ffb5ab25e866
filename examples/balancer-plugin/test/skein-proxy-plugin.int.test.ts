import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingBackend, startCountingBackend } from '../src/counting-backends.ts';
import { discoveryFile, sendOneByOne } from '../src/send-one-by-one.ts';
import { type SkeinProxyProcess, startSkeinProxy } from '../src/skein-proxy-process.ts';
import { closeProxyConnections } from '../src/via-proxy.ts';

const PLUGIN = fileURLToPath(new URL('../src/plugin.ts', import.meta.url));
const URL_ = 'http://api.example:80/';

describe('skein-proxy with the least-request plugin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-balancer-plugin-'));
  let backends: CountingBackend[];
  let proxy: SkeinProxyProcess;

  beforeAll(async () => {
    backends = await Promise.all(['a', 'b', 'c'].map((name) => startCountingBackend(name)));
    const file = join(dir, 'discovery.yaml');
    writeFileSync(file, discoveryFile('api.example:80', backends));
    proxy = await startSkeinProxy({
      SKEIN_PROXY_DISCOVERY_FILE: file,
      SKEIN_PROXY_PLUGINS: PLUGIN,
      SKEIN_PROXY_BALANCER: 'least-request',
    });
  });

  afterAll(async () => {
    closeProxyConnections();
    await proxy?.stop();
    await Promise.all((backends ?? []).map((b) => b.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('spreads requests exactly evenly over idle backends', async () => {
    const run = await sendOneByOne(proxy.outboundPort, URL_, 30, backends);
    expect(run.hits).toEqual({ a: 10, b: 10, c: 10 });
  });

  it('sends nothing more to a backend that holds a request while the others are idle', async () => {
    backends[1]!.holding = true;
    const run = await sendOneByOne(proxy.outboundPort, URL_, 30, backends);
    backends[1]!.holding = false;
    backends[1]!.release();
    const late = await Promise.all(run.held);
    // Round robin would have sent b ten of these, P2C several: least-request sends exactly one.
    expect(run.hits.b).toBe(1);
    expect(run.hits.a! + run.hits.c!).toBe(29);
    expect(run.hits.a).toBeGreaterThan(0);
    expect(run.hits.c).toBeGreaterThan(0);
    expect(late.map((r) => [r.status, r.body])).toEqual([[200, 'b']]);
  });
});

describe('npm start', () => {
  it('prints the even spread, then one request for the holding backend', () => {
    const run = spawnSync(process.execPath, [fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('idle backends:     a=10 b=10 c=10');
    expect(run.stdout).toMatch(/b holds requests: {2}a=\d+ b=1 c=\d+/);
  });
});
