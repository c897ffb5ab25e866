import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BalancedHttpClient } from '../src/balanced-http-client.ts';
import { type DestinationProcess, startDestination } from '../src/destination-process.ts';
import { type NamedBackend, startNamedBackend, writeDiscoveryFile } from '../src/named-backends.ts';

const AUTHORITY = 'web.shop.svc.cluster.local:80';

describe('a Node service balancing its own requests over skein-destination endpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-client-side-balancing-'));
  const file = join(dir, 'discovery.yaml');
  let a: NamedBackend;
  let b: NamedBackend;
  let c: NamedBackend;
  let destination: DestinationProcess;
  let client: BalancedHttpClient;

  /** Rewrites the file and waits until the client's balancer holds exactly `backends`. */
  async function serve(...backends: NamedBackend[]): Promise<void> {
    await writeDiscoveryFile(file, AUTHORITY, backends);
    const want = backends.map((x) => x.address).sort();
    const deadline = Date.now() + 10_000;
    while (client.endpoints().sort().join() !== want.join()) {
      if (Date.now() > deadline) throw new Error(`still ${client.endpoints().join()}, want ${want.join()}`);
      await sleep(25);
    }
  }

  async function hits(n: number): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const res = await client.get('/');
      expect(res.status).toBe(200);
      out[res.body] = (out[res.body] ?? 0) + 1;
    }
    return out;
  }

  beforeAll(async () => {
    [a, b, c] = (await Promise.all(['a', 'b', 'c'].map((name) => startNamedBackend(name)))) as [
      NamedBackend,
      NamedBackend,
      NamedBackend,
    ];
    await writeDiscoveryFile(file, AUTHORITY, [a, b]);
    destination = await startDestination(file);
    client = new BalancedHttpClient({ destination: destination.address, authority: AUTHORITY });
  });

  afterAll(async () => {
    client?.close();
    await destination?.stop();
    await Promise.all([a, b, c].filter(Boolean).map((x) => x.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends requests only to the endpoints discovery names', async () => {
    await serve(a, b);
    const seen = await hits(30);
    expect(Object.keys(seen).every((name) => name === 'a' || name === 'b')).toBe(true);
    expect((seen.a ?? 0) + (seen.b ?? 0)).toBe(30);
  });

  it('follows the endpoint set when the discovery file changes', async () => {
    await serve(b, c);
    const seen = await hits(30);
    expect(seen.a).toBeUndefined();
    expect((seen.b ?? 0) + (seen.c ?? 0)).toBe(30);
    await serve(c);
    expect(await hits(30)).toEqual({ c: 30 });
  });

  it('loses no request while the set changes under load', async () => {
    await serve(a, b);
    let stop = false;
    const results: string[] = [];
    const load = (async () => {
      while (!stop) {
        const batch = await Promise.all(Array.from({ length: 8 }, () => client.get('/')));
        for (const res of batch) {
          expect(res.status).toBe(200);
          results.push(res.body);
        }
      }
    })();
    await sleep(200);
    await serve(c);
    await sleep(200);
    stop = true;
    await load;
    expect(results.length).toBeGreaterThan(16);
    expect(results.at(-1)).toBe('c');
    expect(results.some((name) => name === 'a' || name === 'b')).toBe(true);
    expect(results.every((name) => name === 'a' || name === 'b' || name === 'c')).toBe(true);
  });

  it('fails fast with a clear error when the service goes away, and recovers when it is back', async () => {
    await writeDiscoveryFile(file, 'other.shop.svc.cluster.local:80', [a]);
    const deadline = Date.now() + 10_000;
    let error: unknown;
    while (Date.now() < deadline) {
      error = await client.get('/').then(
        () => undefined,
        (err: unknown) => err,
      );
      if (error !== undefined) break;
      await sleep(25);
    }
    expect(error).toMatchObject({
      code: 'ERR_SKEIN_NO_ENDPOINTS',
      message: `${AUTHORITY}: service discovery says this name does not exist`,
    });
    await serve(b);
    expect(await hits(5)).toEqual({ b: 5 });
  });
});

describe('npm start', () => {
  it('prints traffic on a and b, then only on c after the file changes', () => {
    const run = spawnSync(process.execPath, [fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/endpoints a, b: {2}(a=\d+ ?)?(b=\d+)?\n/);
    expect(run.stdout).toContain('endpoints c:     c=40');
  });
});
