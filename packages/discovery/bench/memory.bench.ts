// Benchmark: memory of a destination server holding 5,000 endpoints across 500 services (ten
// meshed pods each), one Get stream open per service. Pods are seeded twice: as minimal objects,
// and as a real cluster stores them (managed fields, volumes, probes, statuses; see
// realistic-pod.ts). Peers in the same run: an empty cluster, and a bare client-node list of the
// realistic pods that keeps nothing. The child sets the V8 flags apps/destination sets at start
// (--optimize-for-size); the last rows add --max-semi-space-size=2, or show Node's defaults.
// Run after `npm run build`: `npm run bench -w @skein/discovery`.
import { credentials } from '@grpc/grpc-js';
import { DestinationClient } from '@skein/core/proto';
import { startKubeApiServer } from '@skein/testkit';
import { APP_V8_FLAGS, endpointSlice, meshedPod, startChild } from './bench-support.ts';
import { realisticPod } from './realistic-pod.ts';

const SERVICES = 500;
const PER_SERVICE = 10;
// What apps/destination's main sets at start (setFlagsFromString), so the rows measure the app
// as shipped; the last two rows add a Node option, or drop every V8 flag.
const APP_FLAGS = APP_V8_FLAGS;
interface Flags {
  node: string[];
  runtime: readonly string[];
}
const SHIPPED: Flags = { node: [], runtime: APP_FLAGS };

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

type PodMaker = (ns: string, name: string, ip: string) => object;

async function measure(services: number, makePod: PodMaker, flags: Flags, listOnly = false): Promise<Memory> {
  const api = await startKubeApiServer({ preloadLinkerdCrds: true, historyLimit: 100 });
  for (let s = 0; s < services; s++) {
    const ns = `ns-${s % 20}`;
    if (s < 20) api.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const svc = `svc-${s}`;
    api.store.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc, namespace: ns },
      spec: { ports: [{ port: 80, name: 'http' }] },
    });
    const eps: Array<[string, string]> = [];
    for (let p = 0; p < PER_SERVICE; p++) {
      const ip = `10.${s >> 8}.${s & 255}.${p + 1}`;
      api.store.create(makePod(ns, `${svc}-${p}`, ip));
      eps.push([ip, `${svc}-${p}`]);
    }
    api.store.create(endpointSlice(ns, svc, eps));
  }
  const server = await startChild(api, { nodeFlags: flags.node, runtimeFlags: flags.runtime, listOnly });
  const calls = [];
  const client = listOnly
    ? undefined
    : new DestinationClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  if (client !== undefined) {
    let received = 0;
    for (let s = 0; s < services; s++) {
      const call = client.get({ path: `svc-${s}.ns-${s % 20}.svc.cluster.local:80` });
      call.once('data', () => received++);
      call.on('error', () => {});
      calls.push(call);
    }
    while (received < services) await new Promise((r) => setTimeout(r, 10));
  }
  const memory = await server.request<Memory>('memory');
  for (const c of calls) c.cancel();
  client?.close();
  await server.stop();
  await api.close();
  return memory;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const row = (label: string, m: Memory) =>
  console.log(
    `  ${label.padEnd(46)} RSS ${mb(m.rss).padStart(9)}   heap used ${mb(m.heapUsed).padStart(8)} of ${mb(m.heapTotal)}`,
  );
const empty = await measure(0, meshedPod, SHIPPED);
const minimal = await measure(SERVICES, meshedPod, SHIPPED);
const realistic = await measure(SERVICES, realisticPod, SHIPPED);
const listOnly = await measure(SERVICES, realisticPod, SHIPPED, true);
const semiSpace = await measure(SERVICES, realisticPod, {
  node: ['--max-semi-space-size=2'],
  runtime: APP_FLAGS,
});
const defaults = await measure(SERVICES, realisticPod, { node: [], runtime: [] });
console.log(
  `destination server, ${SERVICES} services × ${PER_SERVICE} endpoints, ${SERVICES} Get streams (node ${process.version}, after GC)`,
);
row('empty cluster', empty);
row('minimal pod objects', minimal);
row('realistic pod objects', realistic);
row('peer: client-node list of the pods, kept none', listOnly);
row('realistic, plus --max-semi-space-size=2', semiSpace);
row('realistic, no V8 flags (Node defaults)', defaults);
console.log(
  `  data held (heap over empty): ${mb(realistic.heapUsed - empty.heapUsed)}, ${((realistic.heapUsed - empty.heapUsed) / (SERVICES * PER_SERVICE) / 1024).toFixed(1)} KB per endpoint`,
);
console.log(
  `  target RSS < 200 MB: minimal ${minimal.rss < 200 * 2 ** 20 ? 'met' : 'MISSED'}, realistic ${realistic.rss < 200 * 2 ** 20 ? 'met' : 'MISSED'}`,
);
