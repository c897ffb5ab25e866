import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { NetnsError } from '../src/errors.js';
import { inNetns, PodNetwork } from '../src/netns/pod-network.js';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

// Root only: namespaces, a bridge and a veth on this machine. CI runs as root.
describe.skipIf(!isRoot)('PodNetwork', () => {
  it('joins the host and pods on a bridge, and deleting it removes every namespace and link', async () => {
    const third = 200 + Math.floor(Math.random() * 50);
    const subnet = `10.241.${third}.0/24`;
    const tag = `t${third}`;
    const recorded: string[] = [];
    const network = new PodNetwork(tag, subnet, async (ns) => {
      recorded.push(ns);
    });
    try {
      await network.create();
      const pod = await network.addPod('web-0', `10.241.${third}.4`);
      expect(recorded).toEqual([`skein-${tag}-sw`, `skein-${tag}-web-0`]);
      // The host reaches a server inside the pod, and the pod sees the host's address.
      const argv = inNetns(pod, [
        process.execPath,
        '-e',
        "require('net').createServer((s) => s.end(s.remoteAddress)).listen(7070, () => console.log('up'))",
      ]);
      const server = (await import('node:child_process')).spawn(argv[0]!, argv.slice(1), {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await once(server.stdout!, 'data');
      const socket = net.connect(7070, pod.ip);
      const [data] = (await once(socket, 'data')) as [Buffer];
      expect(data.toString().replace(/^::ffff:/, '')).toBe(network.hostIp);
      server.kill('SIGKILL');
      // A second network on the same subnet is refused: the host already routes it.
      const twin = new PodNetwork(`u${third}`, subnet, async () => {});
      await expect(twin.create()).rejects.toThrow(NetnsError);
      await expect(twin.create()).rejects.toThrow(`${subnet} is already routed on this machine`);
    } finally {
      await network.delete();
    }
    for (const ns of recorded) expect(namespaces()).not.toContain(ns);
    expect(execFileSync('ip', ['-4', 'route', 'show', 'root', subnet], { encoding: 'utf8' })).toBe('');
  });
});
