import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DestinationClient, type InboundPolicy, InboundPolicyClient } from '@skein/discovery';
import {
  closeAllProcesses,
  type KubeApiServer,
  recordReliability,
  startKubeApiServer,
  waitFor,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNamespace,
  type DestinationProcess,
  serviceObject,
  sliceObject,
  startDestinationProcess,
} from '../support/fault-kube.js';

// skein-destination (its Destination and policy watchers) on the test API server while the API
// server drops watches, resets them, and answers 410 Gone after compacting its history, with and
// without changes made in between. What the proxy-side clients receive must be exactly the
// changes: no endpoint added twice, no endpoint removed that is still there, no policy repeated.
const NS = 'watch';
const AUTHORITY = 'web.watch.svc.cluster.local:80';
const PORT = 8080;
const SLICES = '/apis/discovery.k8s.io/v1/endpointslices';
const SERVERS = '/apis/policy.linkerd.io/v1beta3/servers';
const ip = (name: string) => `10.77.0.${'abcdefgh'.indexOf(name) + 1}`;
const key = (name: string) => `${ip(name)}:${PORT}`;

let dir: string;
let api: KubeApiServer;
let destination: DestinationProcess;
let endpoints: DestinationClient;
let policies: InboundPolicyClient;
const updates: Array<{ type: string; keys: string[] }> = [];
const received: InboundPolicy[] = [];
const subscriptions: Array<{ unsubscribe(): void }> = [];

function setEndpoints(names: string): void {
  api.store.apply(sliceObject(NS, 'web', PORT, [...names].map(ip)));
}

function setProtocol(proxyProtocol: 'HTTP/1' | 'HTTP/2' | 'gRPC'): void {
  api.store.apply({
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'web-http', namespace: NS },
    spec: { podSelector: { matchLabels: { app: 'web' } }, port: PORT, proxyProtocol },
  });
}

const lists = (path: string) => api.requests.count({ method: 'GET', path, watch: false });
const watchRequests = (path: string) => api.requests.count({ method: 'GET', path, watch: true });

/** Waits until both watched kinds have a watch open again, started after `minVersion`. */
async function watchesBack(before: Record<string, number>, minVersion = 0): Promise<void> {
  await waitFor(
    () =>
      [SLICES, SERVERS].every(
        (p) =>
          watchRequests(p) > before[p]! &&
          api.watches().some((w) => w.path === p && Number(w.resourceVersion || 0) >= minVersion),
      ),
    { timeoutMs: 20_000, what: 'the watches to be open again' },
  );
}

interface Expected {
  add: string;
  remove: string;
  protocol: InboundPolicy['protocol'];
}

/** Runs `fault`, waits for the expected changes to arrive, and checks nothing else did. */
async function phase(fault: () => Promise<void>, expected: Expected): Promise<{ lists: number }> {
  const u0 = updates.length;
  const p0 = received.length;
  const l0 = lists(SLICES) + lists(SERVERS);
  await fault();
  const want = {
    add: [...expected.add].map(key).sort(),
    remove: [...expected.remove].map(key).sort(),
  };
  const flat = (type: string) =>
    updates
      .slice(u0)
      .filter((u) => u.type === type)
      .flatMap((u) => u.keys)
      .sort();
  await waitFor(
    () =>
      flat('add').length >= want.add.length &&
      flat('remove').length >= want.remove.length &&
      received.length > p0,
    { timeoutMs: 20_000, what: `the changes (+${expected.add} -${expected.remove}, ${expected.protocol})` },
  );
  expect(
    updates.slice(u0).map((u) => u.type),
    'no reset: the stream stayed up',
  ).not.toContain('reset');
  expect(flat('add'), 'endpoints added').toEqual(want.add);
  expect(flat('remove'), 'endpoints removed').toEqual(want.remove);
  expect(
    received.slice(p0).map((p) => p.protocol),
    'policies received',
  ).toEqual([expected.protocol]);
  return { lists: lists(SLICES) + lists(SERVERS) - l0 };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-watch-'));
  api = await startKubeApiServer({ preloadLinkerdCrds: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig);
  createNamespace(api, NS);
  api.store.create(serviceObject(NS, 'web', 80, PORT));
  setEndpoints('ab');
  api.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: NS, labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: PORT, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: '10.77.1.1', podIPs: [{ ip: '10.77.1.1' }] },
  });
  setProtocol('HTTP/1');
  destination = await startDestinationProcess(kubeconfig);
  endpoints = new DestinationClient({ address: `127.0.0.1:${destination.port}` });
  policies = new InboundPolicyClient({
    address: `127.0.0.1:${destination.policyPort}`,
    workload: JSON.stringify({ ns: NS, pod: 'web-0' }),
  });
  subscriptions.push(
    endpoints.endpoints(AUTHORITY).subscribe((u) => {
      if (u.type === 'remove') updates.push({ type: 'remove', keys: [...u.keys] });
      else if (u.type === 'doesNotExist') updates.push({ type: 'doesNotExist', keys: [] });
      else updates.push({ type: u.type, keys: u.endpoints.map((e) => e.address) });
    }),
    policies.watch(PORT).subscribe((p) => received.push(p)),
  );
  await waitFor(() => updates.length > 0 && received.length > 0, {
    timeoutMs: 20_000,
    what: 'the first endpoints and policy',
  });
});

afterAll(async () => {
  for (const s of subscriptions) s.unsubscribe();
  endpoints?.close();
  policies?.close();
  await destination?.close();
  await closeAllProcesses();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Kubernetes watches dropped or expired (410 Gone)', () => {
  it('resyncs the destination and policy watchers without duplicates or spurious removals', async () => {
    expect(updates).toEqual([{ type: 'reset', keys: [key('a'), key('b')] }]);
    expect(received.map((p) => p.protocol)).toEqual(['http1']);
    const snapshot = () => ({ [SLICES]: watchRequests(SLICES), [SERVERS]: watchRequests(SERVERS) });

    // 1. Every watch ends cleanly (as on an API server restart); nothing changed meanwhile.
    // The watches resume from their resourceVersion; a later change arrives once.
    const cleanDrop = await phase(
      async () => {
        const before = snapshot();
        expect(api.faults.dropWatches()).toBeGreaterThanOrEqual(2);
        await watchesBack(before);
        setEndpoints('abc');
        setProtocol('HTTP/2');
      },
      { add: 'c', remove: '', protocol: 'http2' },
    );
    expect(cleanDrop.lists, 'no relist after a clean end').toBe(0);

    // 2. Every watch is reset abruptly and changes land before it is back.
    const reset = await phase(
      async () => {
        api.faults.dropWatches({ abrupt: true });
        setEndpoints('bc');
        setProtocol('HTTP/1');
      },
      { add: '', remove: 'a', protocol: 'http1' },
    );
    expect(reset.lists, 'no relist after a reset').toBe(0);

    // 3. While the watches are away, changes happen and etcd compacts: 410 Gone, relist, and
    // only the difference goes out.
    const expiredWithChanges = await phase(
      async () => {
        const lists0 = { s: lists(SLICES), v: lists(SERVERS) };
        api.faults.latencyMs = 300;
        api.faults.dropWatches();
        setEndpoints('cd');
        setProtocol('gRPC');
        api.faults.compact();
        await waitFor(() => lists(SLICES) > lists0.s && lists(SERVERS) > lists0.v, {
          timeoutMs: 20_000,
          what: 'a relist of slices and servers after 410',
        });
        api.faults.latencyMs = 0;
      },
      { add: 'd', remove: 'b', protocol: 'grpc' },
    );
    expect(expiredWithChanges.lists).toBeGreaterThanOrEqual(2);

    // 4. 410 and a relist where only other services and workloads changed: nothing goes out for
    // this service and pod; a later change arrives once.
    const expiredNoChange = await phase(
      async () => {
        const before = snapshot();
        const lists0 = { s: lists(SLICES), v: lists(SERVERS) };
        api.faults.latencyMs = 300;
        api.faults.dropWatches();
        api.store.apply(sliceObject(NS, 'other', PORT, ['10.77.9.1']));
        api.store.apply({
          apiVersion: 'policy.linkerd.io/v1beta3',
          kind: 'Server',
          metadata: { name: 'other-http', namespace: NS },
          spec: { podSelector: { matchLabels: { app: 'other' } }, port: PORT, proxyProtocol: 'HTTP/2' },
        });
        const compacted = api.faults.compact();
        await waitFor(() => lists(SLICES) > lists0.s && lists(SERVERS) > lists0.v, {
          timeoutMs: 20_000,
          what: 'a relist after 410',
        });
        api.faults.latencyMs = 0;
        await watchesBack(before, compacted);
        // Give a duplicate from the relist time to arrive before the marker change.
        await sleep(300);
        setEndpoints('cde');
        setProtocol('HTTP/2');
      },
      { add: 'e', remove: '', protocol: 'http2' },
    );
    expect(expiredNoChange.lists).toBeGreaterThanOrEqual(2);

    // 5. The next watch request is answered with HTTP 410 (not an ERROR event).
    const expiredResponse = await phase(
      async () => {
        api.faults.failNextWatches(1, { code: 410, as: 'response', path: SLICES });
        api.faults.failNextWatches(1, { code: 410, as: 'response', path: SERVERS });
        api.faults.dropWatches({ path: SLICES });
        api.faults.dropWatches({ path: SERVERS });
        setEndpoints('de');
        setProtocol('HTTP/1');
      },
      { add: '', remove: 'c', protocol: 'http1' },
    );
    expect(expiredResponse.lists).toBeGreaterThanOrEqual(2);

    // A final change closes the last phase: nothing stray arrived after it.
    await phase(
      async () => {
        setEndpoints('def');
        setProtocol('gRPC');
      },
      { add: 'f', remove: '', protocol: 'grpc' },
    );

    recordReliability({
      suite: 'fault',
      id: 'kube-watch-drop-410',
      scenario:
        'the API server ends every watch of skein-destination cleanly, resets them, and answers 410 Gone (as an ERROR event after compaction, with changes to the watched service meanwhile or only to others, and as an HTTP 410) while EndpointSlices and Servers change',
      expected:
        'DestinationClient and InboundPolicyClient receive each change exactly once: no endpoint added twice, none removed that is still there, no policy repeated, no stream reset; 410 leads to a relist',
      measured: `initial state + 6 changes of endpoints and of the Server across 5 faults: ${updates.length} endpoint updates and ${received.length} policies, each change exactly once, no stream reset; relist after each 410 (${expiredWithChanges.lists}, ${expiredNoChange.lists}, ${expiredResponse.lists} list requests of slices + servers); none after clean ends or resets`,
      passed: true,
    });
  });
});
