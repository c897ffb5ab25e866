// `node src/main.ts`: an ordinary Node service balancing its own requests — no sidecar. The
// endpoints of web.shop come from skein-destination (serving a static discovery file); the file
// is rewritten halfway, and the traffic follows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BalancedHttpClient } from './balanced-http-client.ts';
import { startDestination } from './destination-process.ts';
import { startNamedBackend, writeDiscoveryFile } from './named-backends.ts';

const AUTHORITY = 'web.shop.svc.cluster.local:80';
const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => startNamedBackend(name)));
const dir = await mkdtemp(join(tmpdir(), 'skein-client-side-balancing-'));
const file = join(dir, 'discovery.yaml');
await writeDiscoveryFile(file, AUTHORITY, [a!, b!]);
const destination = await startDestination(file);
const client = new BalancedHttpClient({ destination: destination.address, authority: AUTHORITY });

async function send(n: number): Promise<string> {
  const hits: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const res = await client.get('/');
    hits[res.body] = (hits[res.body] ?? 0) + 1;
  }
  return Object.entries(hits)
    .sort()
    .map(([name, count]) => `${name}=${count}`)
    .join(' ');
}

try {
  console.log(`endpoints a, b:  ${await send(40)}`);
  await writeDiscoveryFile(file, AUTHORITY, [c!]);
  const deadline = Date.now() + 10_000;
  while (client.endpoints().join() !== c!.address) {
    if (Date.now() > deadline) throw new Error(`endpoints still ${client.endpoints().join(', ')}`);
    await sleep(50);
  }
  console.log(`endpoints c:     ${await send(40)}`);
} finally {
  client.close();
  await destination.stop();
  await Promise.all([a!, b!, c!].map((backend) => backend.close()));
  await rm(dir, { recursive: true, force: true });
}
