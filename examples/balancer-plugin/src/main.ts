// `node src/main.ts`: three backends behind skein-proxy, which loads the least-request plugin
// (SKEIN_PROXY_PLUGINS) and uses it (SKEIN_PROXY_BALANCER). Prints where requests went while the
// backends are idle, then while one of them holds every request it gets.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCountingBackend } from './counting-backends.ts';
import { discoveryFile, sendOneByOne } from './send-one-by-one.ts';
import { startSkeinProxy } from './skein-proxy-process.ts';
import { closeProxyConnections } from './via-proxy.ts';

const URL_ = 'http://api.example:80/';
const backends = await Promise.all(['a', 'b', 'c'].map((name) => startCountingBackend(name)));
const dir = await mkdtemp(join(tmpdir(), 'skein-balancer-plugin-'));
const file = join(dir, 'discovery.yaml');
await writeFile(file, discoveryFile('api.example:80', backends));
const proxy = await startSkeinProxy({
  SKEIN_PROXY_DISCOVERY_FILE: file,
  SKEIN_PROXY_PLUGINS: fileURLToPath(new URL('./plugin.ts', import.meta.url)),
  SKEIN_PROXY_BALANCER: 'least-request',
});
const format = (hits: Record<string, number>) =>
  Object.entries(hits)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
try {
  const idle = await sendOneByOne(proxy.outboundPort, URL_, 30, backends);
  console.log(`idle backends:     ${format(idle.hits)}`);
  backends[1]!.holding = true;
  const stuck = await sendOneByOne(proxy.outboundPort, URL_, 30, backends);
  console.log(`b holds requests:  ${format(stuck.hits)}`);
  backends[1]!.holding = false;
  backends[1]!.release();
  await Promise.all(stuck.held);
} finally {
  closeProxyConnections();
  await proxy.stop();
  await Promise.all(backends.map((b) => b.close()));
  await rm(dir, { recursive: true, force: true });
}
