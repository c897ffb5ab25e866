import { waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DestinationEnv, startDestinationEnv } from './support/destination-env.js';
import { pod, type SliceEndpoint, service, slice } from './support/kube-objects.js';

let env: DestinationEnv;
const ns = 'ns';
const SLICES = '/apis/discovery.k8s.io/v1/endpointslices';
const plain = (ip: string, name: string) => ({
  addr: `${ip}:8080`,
  weight: 10_000,
  labels: { pod: name, serviceaccount: 'default' },
});
const LABELS = { namespace: ns, service: 'flap' };

async function setSlice(endpoints: SliceEndpoint[]) {
  await env.discovery.replaceNamespacedEndpointSlice({
    namespace: ns,
    name: 'flap-a',
    body: slice(ns, 'flap', 'flap-a', [{ name: 'http', port: 8080 }], endpoints),
  });
}

beforeAll(async () => {
  env = await startDestinationEnv();
  for (const [i, name] of ['a', 'b', 'c', 'd'].entries()) {
    env.api.store.create(pod(ns, name, { ip: `10.5.0.${i + 1}`, meshed: false }));
  }
  await env.core.createNamespacedService({
    namespace: ns,
    body: service(ns, 'flap', [{ port: 80, name: 'http' }]),
  });
  await env.discovery.createNamespacedEndpointSlice({
    namespace: ns,
    body: slice(ns, 'flap', 'flap-a', [{ name: 'http', port: 8080 }], [{ ip: '10.5.0.1', pod: 'a' }]),
  });
});
afterAll(() => env.close());

describe('Get across watch failures', () => {
  it('carries exactly the changes made while watches were dropped, reset or expired (410)', async () => {
    const get = env.get('flap.ns.svc.cluster.local:80');
    await get.atLeast(1);
    const lists = () => env.api.requests.count({ method: 'GET', path: SLICES, watch: false });
    const listsBefore = lists();

    // A watch that ends cleanly resumes from its resourceVersion.
    env.api.faults.dropWatches({ path: SLICES });
    await setSlice([
      { ip: '10.5.0.1', pod: 'a' },
      { ip: '10.5.0.2', pod: 'b' },
    ]);
    await get.atLeast(2);

    // An abrupt reset is reported as an error; the watch restarts with backoff.
    env.api.faults.dropWatches({ path: SLICES, abrupt: true });
    await setSlice([{ ip: '10.5.0.2', pod: 'b' }]);
    await get.atLeast(3);
    expect(lists()).toBe(listsBefore);

    // History compacted while away: 410 Gone, a relist, and only the difference is sent.
    // (Requests are slowed so the changes and the compaction land before the watch is back.)
    env.api.faults.latencyMs = 300;
    env.api.faults.dropWatches({ path: SLICES });
    const flap = (eps: SliceEndpoint[]) => slice(ns, 'flap', 'flap-a', [{ name: 'http', port: 8080 }], eps);
    env.api.store.apply(
      flap([
        { ip: '10.5.0.2', pod: 'b' },
        { ip: '10.5.0.3', pod: 'c' },
      ]),
    );
    env.api.store.apply(
      flap([
        { ip: '10.5.0.3', pod: 'c' },
        { ip: '10.5.0.4', pod: 'd' },
      ]),
    );
    env.api.faults.compact();
    await waitFor(() => lists() > listsBefore, { what: 'a relist after 410' });
    env.api.faults.latencyMs = 0;
    await get.atLeast(5);

    // An injected 410 on the next watch, delivered as a response.
    env.api.faults.failNextWatches(1, { code: 410, as: 'response', path: SLICES });
    env.api.faults.dropWatches({ path: SLICES });
    await setSlice([{ ip: '10.5.0.1', pod: 'a' }]);
    await get.atLeast(7);

    expect(get.messages).toEqual([
      { add: [plain('10.5.0.1', 'a')], labels: LABELS },
      { add: [plain('10.5.0.2', 'b')], labels: LABELS },
      { remove: ['10.5.0.1:8080'] },
      { add: [plain('10.5.0.3', 'c'), plain('10.5.0.4', 'd')], labels: LABELS },
      { remove: ['10.5.0.2:8080'] },
      { add: [plain('10.5.0.1', 'a')], labels: LABELS },
      { remove: ['10.5.0.3:8080', '10.5.0.4:8080'] },
    ]);
    expect(await env.registry.getSingleMetricAsString('skein_destination_watch_failures_total')).toMatch(
      /skein_destination_watch_failures_total\{resource="endpointslices"\} [1-9]/,
    );
    get.cancel();
    await waitFor(() => env.server.destination.stats().Get.views === 0, { what: 'the view to close' });
  });

  it('serves many streams of one service from one view and one watch per resource kind', async () => {
    const streams = Array.from({ length: 20 }, () => env.get('flap.ns.svc.cluster.local:80'));
    for (const s of streams) await s.atLeast(1);
    await waitFor(() => env.server.destination.stats().Get.streams >= 20);
    const before = env.server.destination.stats().Get.views;
    await setSlice([{ ip: '10.5.0.2', pod: 'b' }]);
    for (const s of streams) await s.atLeast(3);
    for (const s of streams) {
      expect(s.messages).toEqual([
        { add: [plain('10.5.0.1', 'a')], labels: LABELS },
        { add: [plain('10.5.0.2', 'b')], labels: LABELS },
        { remove: ['10.5.0.1:8080'] },
      ]);
    }
    expect(before).toBe(1);
    const watches = env.api
      .watches()
      .map((w) => w.path)
      .sort();
    expect(watches).toEqual([...new Set(watches)]);
    expect(watches).toContain(SLICES);
    expect(watches).toHaveLength(8);
    for (const s of streams) s.cancel();
    await waitFor(() => env.server.destination.stats().Get.views === 0, { what: 'the view to close' });
    expect(await env.registry.getSingleMetricAsString('skein_destination_streams')).toContain(
      'skein_destination_streams{method="Get"} 0',
    );
  });
});
