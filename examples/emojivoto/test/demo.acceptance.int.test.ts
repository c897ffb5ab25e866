import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type RunningSkein,
  randomBaseIp,
  randomPortOffset,
  skein,
  startSkein,
  stopLeftoverDemo,
  survivors,
} from './support/skein-demo.ts';

// The acceptance path, headless: `skein demo` (what `npm start` runs) brings the mesh
// up; `skein stat deploy` shows traffic for web, emoji and voting, `skein edges deploy` shows
// mTLS between every pair, `skein tap deploy/web` sees live requests; Ctrl-C stops it and
// no process it started is left.

const home = mkdtempSync(join(tmpdir(), 'skein-demo-acceptance-'));
// The CLI finds the demo's controller through $XDG_RUNTIME_DIR/skein/mesh.json: a private one.
const env = { ...process.env, XDG_RUNTIME_DIR: home, NO_COLOR: '1' };
let demo: RunningSkein | undefined;
let runDir = join(home, 'run');

afterAll(async () => {
  await stopLeftoverDemo(demo, runDir);
  rmSync(home, { recursive: true, force: true });
});

interface StatJson {
  name: string;
  meshed: string;
  success: number | null;
  rps: number | null;
}
interface EdgeJson {
  src: string;
  dst: string;
  client_id: string;
  server_id: string;
  no_tls_reason: string;
}
const id = (sa: string) => `${sa}.default.serviceaccount.identity.linkerd.cluster.local`;

describe('skein demo (loopback)', () => {
  it('runs the mesh, shows traffic over mTLS in stat, edges and tap, and stops every process', async () => {
    const baseIp = randomBaseIp();
    demo = startSkein(
      ['demo', '--base-ip', baseIp, '--port-offset', String(randomPortOffset()), '--run-dir', runDir],
      env,
    );
    const banner = await demo.waitFor(/dashboard {3}(http:\S+)[\s\S]*Press Ctrl-C to stop\./, 60_000);
    const dashboardUrl = banner[1]!;

    // Golden metrics for the three services, within 30 s of starting on an idle machine
    // (the deadline allows for a loaded CI machine; docs/guides/local-mesh.md has the figures).
    const stat = await eventually(
      'skein stat deploy shows traffic for web, emoji and voting',
      async () =>
        JSON.parse(
          (await skein(['stat', 'deploy', '-t', '30s', '-o', 'json'], env)).stdout || '[]',
        ) as StatJson[],
      (rows) => ['web', 'emoji', 'voting'].every((n) => (rows.find((r) => r.name === n)?.rps ?? 0) > 0),
      60_000,
    );
    expect(stat.map((r) => [r.name, r.meshed])).toEqual([
      ['emoji', '1/1'],
      ['vote-bot', '1/1'],
      ['voting', '1/1'],
      ['web', '1/1'],
    ]);
    // emoji never fails; voting's doughnut route does, and web passes that on as 500s.
    expect(stat.find((r) => r.name === 'emoji')!.success).toBe(1);
    await eventually(
      'voting shows failures (VoteDoughnut fails half of the time)',
      async () =>
        JSON.parse(
          (await skein(['stat', 'deploy/voting', '-t', '30s', '-o', 'json'], env)).stdout,
        ) as StatJson[],
      (rows) => (rows[0]?.success ?? 1) < 1,
      30_000,
    );

    // mTLS between every pair that talks: both ends' identities on each edge.
    const edges = await eventually(
      'skein edges deploy shows the three edges',
      async () =>
        JSON.parse((await skein(['edges', 'deploy', '-o', 'json'], env)).stdout || '[]') as EdgeJson[],
      (rows) => rows.length >= 3,
      30_000,
    );
    expect(edges.map((e) => [e.src, e.dst, e.client_id, e.server_id, e.no_tls_reason]).sort()).toEqual([
      ['vote-bot', 'web', id('vote-bot'), id('web'), ''],
      ['web', 'emoji', id('web'), id('emoji'), ''],
      ['web', 'voting', id('web'), id('voting'), ''],
    ]);
    const table = await skein(['edges', 'deploy'], env);
    expect(table.stdout.match(/√/g)).toHaveLength(3);

    // Live requests through web's proxy: the vote-bot's calls in, and web's gRPC calls out.
    const tap = startSkein(['tap', 'deploy/web'], env);
    await tap.waitFor(/^rsp .*proxy=out .*:status=200/m, 20_000);
    await tap.waitFor(
      /^req .*proxy=in .*tls=true :method=GET :authority=web-svc\.default\.svc\.cluster\.local:80 :path=\/api\//m,
      20_000,
    );
    await tap.waitFor(
      /^req .*proxy=out .*tls=true :method=POST :authority=emoji-svc\.default\.svc\.cluster\.local:8080 :path=\/emojivoto\.v1\.EmojiService\//m,
      20_000,
    );
    process.kill(tap.child.pid!, 'SIGINT');
    expect(await tap.exited).toBe(0);

    // The dashboard serves its page and the controller's API.
    const page = await fetch(dashboardUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(new URL('api/stat?kind=deployment&namespace=default', dashboardUrl));
    expect(api.status).toBe(200);
    expect(((await api.json()) as { rows: unknown[] }).rows).toHaveLength(4);

    // Every process the demo started, by the record it keeps in its run directory.
    const record = JSON.parse(readFileSync(join(runDir, 'processes.json'), 'utf8')) as {
      processes: { name: string; pid: number }[];
    };
    const names = record.processes.map((p) => p.name).sort();
    expect(names).toEqual([
      'controller',
      'dashboard',
      'destination',
      'emoji-0.app',
      'emoji-0.proxy',
      'identity',
      'tap',
      'vote-bot-0.app',
      'vote-bot-0.proxy',
      'voting-0.app',
      'voting-0.proxy',
      'web-0.app',
      'web-0.proxy',
    ]);
    const groups = new Set([demo.child.pid!, ...record.processes.map((p) => p.pid)]);
    expect(survivors(groups).length).toBeGreaterThanOrEqual(groups.size);
    expect(existsSync(join(home, 'skein', 'mesh.json'))).toBe(true);

    // Ctrl-C: everything stops, in order, and nothing is left.
    process.kill(demo.child.pid!, 'SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toMatch(/Stopping the demo…\nStopped every process/);
    expect(survivors(groups)).toEqual([]);
    expect(existsSync(join(home, 'skein', 'mesh.json'))).toBe(false);
    expect(existsSync(join(runDir, 'processes.json'))).toBe(false);
  });

  it('refuses to start when a port is taken, naming the address and the holder, and starts nothing', async () => {
    const net = await import('node:net');
    const baseIp = randomBaseIp();
    const offset = randomPortOffset();
    const taken = `${baseIp}:${8085 + offset}`;
    const squatter = net.createServer().listen(8085 + offset, baseIp);
    await new Promise((r) => squatter.once('listening', r));
    try {
      const takenDir = join(home, 'taken');
      const res = await skein(
        ['demo', '--base-ip', baseIp, '--port-offset', String(offset), '--run-dir', takenDir],
        env,
      );
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`Error: ${taken} is taken by pid ${process.pid} (${process.execPath}`);
      expect(res.stderr).toContain(
        'the local mesh needs it for the controller API. Stop that process, or choose other addresses (--base-ip) or ports (--port-offset).',
      );
      expect(existsSync(takenDir)).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it('stops everything and exits 1, naming the process, when one dies while the demo runs', async () => {
    runDir = join(home, 'dies');
    demo = startSkein(
      [
        'demo',
        '--base-ip',
        randomBaseIp(),
        '--port-offset',
        String(randomPortOffset()),
        '--run-dir',
        runDir,
        '--no-traffic',
        '--no-dashboard',
      ],
      env,
    );
    await demo.waitFor(/Press Ctrl-C to stop\./, 60_000);
    const record = JSON.parse(readFileSync(join(runDir, 'processes.json'), 'utf8')) as {
      processes: { name: string; pid: number }[];
    };
    expect(record.processes.map((p) => p.name)).not.toContain('vote-bot-0.app');
    expect(record.processes.map((p) => p.name)).not.toContain('dashboard');
    const voting = record.processes.find((p) => p.name === 'voting-0.app')!;
    process.kill(voting.pid, 'SIGKILL');
    expect(await demo.exited).toBe(1);
    expect(demo.output()).toMatch(
      /skein demo: voting-0\.app was killed by SIGKILL \(log: .*voting-0\.app\.log\); stopping the demo\./,
    );
    expect(demo.output()).toContain('Stopped every process');
    expect(survivors(new Set([demo.child.pid!, ...record.processes.map((p) => p.pid)]))).toEqual([]);
  });
});
