import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@skein/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canCreateNetns,
  createPodNetwork,
  listNetns,
  type Pod,
  type PodNetwork,
  sweepStaleNetns,
} from '../../src/netns/index.js';
import { waitFor } from '../../src/wait-for.js';

const node = process.execPath;
// A server that answers each connection with who accepted it, then closes.
const SERVER = `require('node:net').createServer((s) => s.end(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), local: s.localAddress, peer: s.remoteAddress }))).listen(Number(process.argv[1]), '::', () => console.log('listening'))`;
const CLIENT = `const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) }); let d = ''; s.on('data', (b) => (d += b)); s.on('end', () => console.log(d)); s.on('error', (e) => { console.log(JSON.stringify({ error: e.code })); });`;

function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function connect(
  from: Pod,
  host: string,
  port: number,
  uid?: number,
): Promise<Record<string, unknown>> {
  const r = await from.exec([node, '-e', CLIENT, host, String(port)], { uid, timeoutMs: 5000 });
  return JSON.parse(r.stdout);
}

// Network namespaces need root (CAP_SYS_ADMIN/CAP_NET_ADMIN); CI runs as root, so these run there.
describe.skipIf(!canCreateNetns())('pod network (network namespaces, bridge, veth)', () => {
  let net: PodNetwork;
  let a: Pod;
  let b: Pod;

  beforeAll(async () => {
    net = await createPodNetwork();
    a = await net.addPod('a');
    b = await net.addPod('b');
    await b.spawn([node, '-e', SERVER, '8080'], { uid: 1000, ready: /listening/ });
  });

  afterAll(() => net?.close());

  it('gives each pod its own addresses on the subnet', () => {
    expect([a.ip, b.ip]).toEqual(['10.248.0.1', '10.248.0.2']);
    expect([a.ip6, b.ip6]).toEqual(['fd00:5ce1::1', 'fd00:5ce1::2']);
    expect(a.netnsPath).toBe(`/run/netns/${a.netns}`);
    expect(a.netns.startsWith(net.prefix)).toBe(true);
  });

  it('shows a pod only its own lo and eth0 with its address', async () => {
    const links = (await a.exec(['ip', '-o', 'link', 'show'])).stdout;
    expect(
      links
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[1]!.trim().split('@')[0]),
    ).toEqual(['lo', 'eth0']);
    const addrs = (await a.exec(['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout;
    expect(addrs).toContain('inet 10.248.0.1/24');
    expect(addrs).toContain('inet6 fd00:5ce1::1/64');
  });

  it('connects pod to pod over IPv4 and IPv6 through the bridge', async () => {
    expect(await connect(a, b.ip, 8080)).toMatchObject({ local: `::ffff:${b.ip}`, peer: `::ffff:${a.ip}` });
    expect(await connect(a, b.ip6!, 8080)).toMatchObject({ local: b.ip6, peer: a.ip6 });
  });

  it('runs spawned processes as the uid asked, gid defaulting to it', async () => {
    expect(await connect(a, b.ip, 8080)).toMatchObject({ uid: 1000, gid: 1000 });
  });

  it('runs exec as a uid and gid with no supplementary groups', async () => {
    const r = await a.exec(['sh', '-c', 'echo $(id -u) $(id -g) $(id -G)'], { uid: 2102, gid: 2103 });
    expect(r.stdout.trim()).toBe('2102 2103 2103');
    expect((await a.exec(['id', '-u'])).stdout.trim()).toBe('0');
  });

  it('has loopback up inside a pod', async () => {
    const srv = await a.spawn([node, '-e', SERVER, '9000'], { ready: /listening/ });
    try {
      expect(await connect(a, '127.0.0.1', 9000)).toMatchObject({ uid: 0, peer: '::ffff:127.0.0.1' });
      // Pod b cannot reach a's port 9000 on a's loopback, only on a's address.
      expect(await connect(b, '127.0.0.1', 9000)).toEqual({ error: 'ECONNREFUSED' });
      expect(await connect(b, a.ip, 9000)).toMatchObject({ peer: `::ffff:${b.ip}` });
    } finally {
      await srv.close();
    }
  });

  it('rejects a failing exec with the command and its stderr, or returns it with allowFailure', async () => {
    await expect(a.exec(['sh', '-c', 'echo oops >&2; exit 3'])).rejects.toThrow(
      /in pod a: `sh -c .*` exited with code 3: oops/,
    );
    const r = await a.exec(['sh', '-c', 'exit 4'], { allowFailure: true });
    expect(r.code).toBe(4);
  });

  it('refuses bad names, duplicates and ids with ConfigError', async () => {
    await expect(net.addPod('A_b')).rejects.toBeInstanceOf(ConfigError);
    await expect(net.addPod('a')).rejects.toThrow(/invalid pod name="a": expected a name not used yet/);
    expect(() => a.command(['true'], { uid: -5 })).toThrow(/invalid uid="-5"/);
    expect(() => a.command([])).toThrow(ConfigError);
  });
});

describe.skipIf(!canCreateNetns())('pod network teardown', () => {
  it('close() stops processes and deletes every namespace', async () => {
    const net = await createPodNetwork({ ipv6Subnet: false });
    const p = await net.addPod('x');
    const sleeper = await p.spawn(['sleep', '300']);
    // A process started outside the harness (e.g. by a test's own nsenter) is killed too.
    const stray = await p.spawn(['sh', '-c', 'sleep 300 & echo $!; wait'], { ready: /^\d+$/ });
    const namespaces = net.namespaces;
    expect(namespaces).toHaveLength(2);
    await net.close();
    expect(await sleeper.exited).toMatchObject({ signal: expect.any(String) });
    await stray.exited;
    const left = await listNetns();
    expect(namespaces.filter((n) => left.includes(n))).toEqual([]);
    await net.close(); // idempotent
    await expect(p.exec(['true'])).rejects.toThrow(/pod x is closed/);
  });

  const fixture = fileURLToPath(new URL('./fixtures/leave-network.mjs', import.meta.url));
  const runFixture = (how: string): string[] => {
    let out = '';
    try {
      out = execFileSync(node, [fixture, how], { encoding: 'utf8', timeout: 20_000 });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    return JSON.parse(out.trim().split('\n').pop()!);
  };

  it('an exiting test process deletes its namespaces in an exit hook', async () => {
    const namespaces = runFixture('exit');
    expect(namespaces).toHaveLength(2);
    const left = await listNetns();
    expect(namespaces.filter((n) => left.includes(n))).toEqual([]);
  });

  it('a killed test process leaves namespaces that the next sweep deletes (processes inside included)', async () => {
    const namespaces = runFixture('kill');
    expect((await listNetns()).filter((n) => namespaces.includes(n)).sort()).toEqual([...namespaces].sort());
    const pod = namespaces.find((n) => n.endsWith('-left'))!;
    const pids = execFileSync('ip', ['netns', 'pids', pod], { encoding: 'utf8' }).trim();
    expect(pids).toMatch(/^\d+/);
    const live = await createPodNetwork({ ipv6Subnet: false });
    try {
      const swept = await sweepStaleNetns();
      // createPodNetwork already swept; a second sweep finds nothing and spares the live run.
      expect(swept).toEqual([]);
      const left = await listNetns();
      expect(namespaces.filter((n) => left.includes(n))).toEqual([]);
      expect(left).toContain(live.namespaces[0]);
      // Killed processes linger as zombies until init reaps them: wait until they are gone or dead.
      for (const pid of pids.split(/\s+/))
        await waitFor(() => !isRunning(Number(pid)), { what: `pid ${pid} to end` });
    } finally {
      await live.close();
    }
  });

  it('refuses bad subnets', async () => {
    await expect(createPodNetwork({ subnet: '10.0.0.0/31' })).rejects.toThrow(
      /invalid subnet="10.0.0.0\/31"/,
    );
    await expect(createPodNetwork({ subnet: 'fd00::/64' })).rejects.toThrow(/an IPv4 CIDR/);
    await expect(createPodNetwork({ ipv6Subnet: '10.0.0.0/24' })).rejects.toThrow(/invalid ipv6Subnet/);
  });
});
