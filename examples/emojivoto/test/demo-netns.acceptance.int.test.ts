import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type RunningSkein,
  skein,
  startSkein,
  stopLeftoverDemo,
  survivors,
} from './support/skein-demo.ts';

// `skein demo --netns`: each pod in its own network namespace with skein-proxy-init's iptables
// rules, the apps dialing plain pod addresses with no idea of the mesh. Root only (namespaces
// and iptables); CI runs as root.
const isRoot = process.getuid?.() === 0 && process.platform === 'linux';

const home = mkdtempSync(join(tmpdir(), 'skein-demo-netns-'));
const env = { ...process.env, XDG_RUNTIME_DIR: home, NO_COLOR: '1' };
let demo: RunningSkein | undefined;

afterAll(async () => {
  await stopLeftoverDemo(demo, join(home, 'run'));
  rmSync(home, { recursive: true, force: true });
});

const id = (sa: string) => `${sa}.default.serviceaccount.identity.linkerd.cluster.local`;
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

describe.skipIf(!isRoot)('skein demo --netns', () => {
  it('meshes apps that know nothing of it, and removes its processes, namespaces and link on Ctrl-C', async () => {
    // A subnet of its own: clear of the default (10.249.0.0/24) and of the testkit's (10.248.0.0/24).
    const subnet = `10.${200 + Math.floor(Math.random() * 40)}.${Math.floor(Math.random() * 250)}`;
    const runDir = join(home, 'run');
    demo = startSkein(['demo', '--netns', '--base-ip', `${subnet}.1`, '--run-dir', runDir], env);
    await demo.waitFor(/Press Ctrl-C to stop\./, 90_000);
    const record = JSON.parse(readFileSync(join(runDir, 'processes.json'), 'utf8')) as {
      processes: { name: string; pid: number }[];
      netns: string[];
    };
    expect(record.processes.map((p) => p.name)).toContain('linkerd-0.proxy');
    expect(record.netns.length).toBe(6); // the bridge's, the control plane's, four pods'
    for (const ns of record.netns) expect(namespaces()).toContain(ns);

    const stat = await eventually(
      'skein stat deploy shows traffic for web, emoji and voting',
      async () =>
        JSON.parse((await skein(['stat', 'deploy', '-t', '30s', '-o', 'json'], env)).stdout || '[]') as {
          name: string;
          rps: number | null;
        }[],
      (rows) => ['web', 'emoji', 'voting'].every((n) => (rows.find((r) => r.name === n)?.rps ?? 0) > 0),
      60_000,
    );
    expect(stat.map((r) => r.name)).toEqual(['emoji', 'vote-bot', 'voting', 'web']);
    const web = `${subnet}.4`;
    // If an edge is missing, what web's proxy counted says why.
    const webOutbound = async () =>
      (await (await fetch(`http://${web}:4191/metrics`)).text())
        .split('\n')
        .filter((l) => l.startsWith('request_total{direction="outbound"'))
        .join('\n');
    const edges = await eventually(
      'skein edges deploy shows the three edges',
      async () =>
        JSON.parse((await skein(['edges', 'deploy', '-o', 'json'], env)).stdout || '[]') as {
          src: string;
          dst: string;
          client_id: string;
          server_id: string;
        }[],
      (rows) => rows.length >= 3,
      30_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\nweb's proxy counted:\n${await webOutbound()}`);
    });
    expect(edges.map((e) => [e.src, e.dst, e.client_id, e.server_id]).sort()).toEqual([
      ['vote-bot', 'web', id('vote-bot'), id('web')],
      ['web', 'emoji', id('web'), id('emoji')],
      ['web', 'voting', id('web'), id('voting')],
    ]);

    // Tap reaches each proxy's control port over mTLS from the meshed control plane. The apps
    // dialed pod addresses (there is no DNS): interception, not the app, put them in the mesh.
    const tap = startSkein(['tap', 'deploy/web'], env);
    await tap.waitFor(
      new RegExp(
        `^req .*proxy=in .*dst=${web.replaceAll('.', '\\.')}:8080 tls=true :method=GET :authority=${web.replaceAll('.', '\\.')}:8080 :path=/api/`,
        'm',
      ),
      20_000,
    );
    await tap.waitFor(
      /^req .*proxy=out .*tls=true :method=POST .*:path=\/emojivoto\.v1\.VotingService\//m,
      20_000,
    );
    process.kill(tap.child.pid!, 'SIGINT');
    expect(await tap.exited).toBe(0);

    // The dashboard, in the control plane's pod, answers the host on that pod's address.
    const api = await fetch(`http://${subnet}.1:8084/api/stat?kind=deployment&namespace=default`);
    expect(api.status).toBe(200);
    expect(((await api.json()) as { rows: unknown[] }).rows).toHaveLength(4);

    const groups = new Set([demo.child.pid!, ...record.processes.map((p) => p.pid)]);
    process.kill(demo.child.pid!, 'SIGINT');
    expect(await demo.exited).toBe(0);
    expect(survivors(groups)).toEqual([]);
    const left = namespaces();
    for (const ns of record.netns) expect(left).not.toContain(ns);
    expect(execFileSync('ip', ['-4', 'route', 'show', 'root', `${subnet}.0/24`], { encoding: 'utf8' })).toBe(
      '',
    );
  });
});
