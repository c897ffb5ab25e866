import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canCreateNetns, createPodNetwork, type Pod, type PodNetwork, runCommand } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const PEER = fileURLToPath(new URL('./fixtures/tcp-peer.py', import.meta.url));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const PROXY_UID = 2102;
const APP_UID = 1000;

interface Reply {
  name?: string;
  port?: number;
  uid?: number;
  peer?: string;
  dst?: string | null;
  error?: string;
}

/** Connects from `pod` as `uid` and returns who answered (and the original destination it saw). */
async function connect(pod: Pod, host: string, port: number, uid = APP_UID): Promise<Reply> {
  const r = await pod.exec([PYTHON, PEER, 'connect', host, String(port)], { uid, timeoutMs: 10_000 });
  return JSON.parse(r.stdout);
}

async function serve(pod: Pod, name: string, uid: number, ports: number[]): Promise<void> {
  await pod.spawn([PYTHON, PEER, 'serve', name, ...ports.map(String)], { uid, ready: /^ready$/ });
}

async function proxyInit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand([process.execPath, BIN, ...args], { timeoutMs: 30_000 });
}

// The rules only exist inside network namespaces, which need root; CI runs as root. Fixed ports
// are fine here: each pod has its own network stack, so nothing else can hold them.
describe.skipIf(!canCreateNetns()).each(['legacy', 'nft'])(
  'transparent redirection (--iptables-mode %s)',
  (mode) => {
    let net: PodNetwork;
    let a: Pod; // meshed pod: Linkerd-default flags, an ignored range and an ignored subnet
    let b: Pod; // plain server pod
    let c: Pod; // a client in the ignored subnet
    let d: Pod; // meshed pod in redirect-listed mode (-r 9090)

    beforeAll(async () => {
      net = await createPodNetwork();
      [a, b, c, d] = [
        await net.addPod('a'),
        await net.addPod('b'),
        await net.addPod('c'),
        await net.addPod('d'),
      ];
      await serve(a, 'proxy', PROXY_UID, [4140, 4143]);
      await serve(a, 'app', APP_UID, [8080, 4191, 9000]);
      await serve(b, 'b', APP_UID, [8080, 4567, 7005]);
      await serve(d, 'proxy', PROXY_UID, [4143]);
      await serve(d, 'app', APP_UID, [8080, 9090]);
      const common = ['-p', '4143', '-o', '4140', '-u', String(PROXY_UID), '--iptables-mode', mode];
      const ra = await proxyInit([
        ...common,
        '--netns',
        a.netnsPath,
        '--inbound-ports-to-ignore',
        '4190,4191,4567,4568',
        '--outbound-ports-to-ignore',
        '4567,4568',
        '--outbound-ports-to-ignore',
        '7000-7010',
        '--subnets-to-ignore',
        `${c.ip}/32`,
      ]);
      expect(ra.stderr).toContain('proxy-init rules installed');
      expect(ra.code).toBe(0);
      const rd = await proxyInit([...common, '--netns', d.netnsPath, '-r', '9090', '--ipv6=false']);
      expect(rd.code).toBe(0);
    }, 60_000);

    afterAll(() => net?.close());

    it("redirects the app's outbound connection to the proxy's 4140, keeping the original destination", async () => {
      expect(await connect(a, b.ip, 8080)).toEqual({
        name: 'proxy',
        port: 4140,
        uid: PROXY_UID,
        peer: a.ip,
        dst: `${b.ip}:8080`,
      });
    });

    it('redirects outbound IPv6 too (ip6tables)', async () => {
      expect(await connect(a, b.ip6!, 8080)).toMatchObject({
        name: 'proxy',
        port: 4140,
        dst: `[${b.ip6}]:8080`,
      });
    });

    it("redirects a connection to an address nobody has (the proxy decides), like proxy-init's validator", async () => {
      expect(await connect(a, '192.0.2.2', 1404)).toMatchObject({
        name: 'proxy',
        port: 4140,
        dst: '192.0.2.2:1404',
      });
    });

    it("does not redirect the proxy's own traffic (uid 2102): it reaches B", async () => {
      expect(await connect(a, b.ip, 8080, PROXY_UID)).toMatchObject({
        name: 'b',
        port: 8080,
        peer: a.ip,
        dst: null,
      });
    });

    it('leaves loopback traffic inside the pod alone (127.0.0.1 and its own address)', async () => {
      expect(await connect(a, '127.0.0.1', 9000)).toMatchObject({ name: 'app', port: 9000, dst: null });
      expect(await connect(a, a.ip, 9000)).toMatchObject({ name: 'app', port: 9000, dst: null });
    });

    it('lets ignored outbound ports and ranges through to B', async () => {
      expect(await connect(a, b.ip, 4567)).toMatchObject({ name: 'b', port: 4567, dst: null });
      expect(await connect(a, b.ip, 7005)).toMatchObject({ name: 'b', port: 7005, dst: null });
    });

    it("redirects inbound connections to the proxy's 4143, keeping the original destination", async () => {
      expect(await connect(b, a.ip, 8080)).toEqual({
        name: 'proxy',
        port: 4143,
        uid: PROXY_UID,
        peer: b.ip,
        dst: `${a.ip}:8080`,
      });
      expect(await connect(b, a.ip6!, 8080)).toMatchObject({
        name: 'proxy',
        port: 4143,
        dst: `[${a.ip6}]:8080`,
      });
    });

    it('lets ignored inbound ports through to the app', async () => {
      expect(await connect(b, a.ip, 4191)).toMatchObject({ name: 'app', port: 4191, peer: b.ip, dst: null });
    });

    it('lets inbound traffic from an ignored subnet through to the app, and only from it', async () => {
      expect(await connect(c, a.ip, 8080)).toMatchObject({ name: 'app', port: 8080, peer: c.ip, dst: null });
      expect(await connect(b, a.ip, 8080)).toMatchObject({ name: 'proxy' });
    });

    it('in redirect-listed mode redirects only the listed inbound ports', async () => {
      expect(await connect(b, d.ip, 9090)).toMatchObject({ name: 'proxy', port: 4143, dst: `${d.ip}:9090` });
      expect(await connect(b, d.ip, 8080)).toMatchObject({ name: 'app', port: 8080, dst: null });
    });

    it('after --cleanup, traffic flows directly again both ways', async () => {
      const r = await proxyInit([
        '-p',
        '4143',
        '-o',
        '4140',
        '--iptables-mode',
        mode,
        '--netns',
        a.netnsPath,
        '--cleanup',
      ]);
      expect(r.code).toBe(0);
      expect(await connect(a, b.ip, 8080)).toMatchObject({ name: 'b', dst: null });
      expect(await connect(b, a.ip, 8080)).toMatchObject({ name: 'app', dst: null });
    });
  },
);
