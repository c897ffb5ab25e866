// Benchmark: how fast an endpoint change reaches 1,000 concurrent Get subscribers of one service.
// The destination server runs in its own process against the testkit API server; the change is
// written to the API server and timed until every subscriber has received its update.
// Run after `npm run build`: `npm run bench -w @skein/discovery`.
import { credentials } from '@grpc/grpc-js';
import { DestinationClient } from '@skein/core/proto';
import { startKubeApiServer } from '@skein/testkit';
import { APP_V8_FLAGS, endpointSlice, meshedPod, percentile, startChild } from './bench-support.ts';

const SUBSCRIBERS = 1000;
const CONNECTIONS = 50;
const ROUNDS = 30;
const ns = 'default';

async function run(mode: 'shared view' | 'view per subscriber') {
  const api = await startKubeApiServer({ preloadLinkerdCrds: true });
  api.store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: ns },
    spec: { ports: [{ port: 80, name: 'http' }] },
  });
  const eps: Array<[string, string]> = [];
  for (let i = 0; i < 10; i++) {
    api.store.create(meshedPod(ns, `web-${i}`, `10.0.0.${i + 1}`));
    eps.push([`10.0.0.${i + 1}`, `web-${i}`]);
  }
  api.store.create(endpointSlice(ns, 'web', eps));
  const server = await startChild(api, { runtimeFlags: APP_V8_FLAGS });
  const clients = Array.from(
    { length: CONNECTIONS },
    () =>
      new DestinationClient(`127.0.0.1:${server.port}`, credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }),
  );
  const counts = new Int32Array(SUBSCRIBERS);
  const lastAt = new Float64Array(SUBSCRIBERS);
  const calls = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    // A distinct node per subscriber defeats view sharing: the cost of one computation per stream.
    const contextToken =
      mode === 'shared view' ? '{"ns":"default"}' : JSON.stringify({ ns: 'default', nodeName: `node-${i}` });
    const call = clients[i % CONNECTIONS]!.get({ path: 'web.default.svc.cluster.local:80', contextToken });
    call.on('data', () => {
      counts[i]!++;
      lastAt[i] = performance.now();
    });
    call.on('error', () => {});
    calls.push(call);
  }
  const waitAll = async (n: number) => {
    const deadline = performance.now() + 30_000;
    while (counts.some((c) => c < n)) {
      if (performance.now() > deadline) throw new Error(`subscribers stuck below ${n} messages`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  await waitAll(1);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const next = [...eps];
    next[round % 10] = [`10.0.1.${round + 1}`, `web-${round % 10}`];
    const t0 = performance.now();
    api.store.apply(endpointSlice(ns, 'web', next));
    // Each change is one add and one remove.
    await waitAll(1 + 2 * (round + 1));
    for (let i = 0; i < SUBSCRIBERS; i++) samples.push(lastAt[i]! - t0);
    eps.splice(0, eps.length, ...next);
    await new Promise((r) => setTimeout(r, 30));
  }
  for (const c of calls) c.cancel();
  for (const c of clients) c.close();
  await server.stop();
  await api.close();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1]! };
}

const shared = await run('shared view');
const perStream = await run('view per subscriber');
const fmt = (r: { p50: number; p99: number; max: number }) =>
  `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`;
console.log(
  `endpoint change → ${SUBSCRIBERS} Get subscribers (${CONNECTIONS} connections, ${ROUNDS} changes, node ${process.version})`,
);
console.log(`  shared view (Skein):      ${fmt(shared)}`);
console.log(`  view per subscriber:      ${fmt(perStream)}`);
console.log(`  p99 ratio per-subscriber / shared: ${(perStream.p99 / shared.p99).toFixed(2)}x`);
console.log(`  target p99 < 100 ms: ${shared.p99 < 100 ? 'met' : 'MISSED'}`);
