import {
  CoreV1Api,
  type Informer,
  makeInformer,
  type ObjectCache,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/index.js';
import { type KubeFixture, startFixture } from '../support/kube-fixture.js';

const ns = 'default';
const path = `/api/v1/namespaces/${ns}/pods`;

let f: KubeFixture;
let core: CoreV1Api;
let informer: Informer<V1Pod> & ObjectCache<V1Pod>;
/** What the callbacks said, replayed into a map: must always equal the informer's cache. */
let seen: Map<string, string>;
let log: string[];

function pod(name: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  };
}

const storeState = () =>
  new Map(f.server.store.list('v1', 'Pod', ns).map((p) => [p.metadata.name, p.metadata.resourceVersion]));
const cacheState = () =>
  new Map(informer.list(ns).map((p) => [p.metadata!.name!, p.metadata!.resourceVersion!]));

async function expectInSync(): Promise<void> {
  const want = [...storeState().entries()].sort();
  await waitFor(() => JSON.stringify([...cacheState().entries()].sort()) === JSON.stringify(want), {
    what: 'the informer cache to equal the store',
    // The client backs off 1 s, 2 s, 4 s between reconnects that saw no events.
    timeoutMs: 15_000,
  });
  expect([...seen.entries()].sort()).toEqual(want);
}

beforeEach(async () => {
  f = await startFixture();
  core = f.kc.makeApiClient(CoreV1Api);
  f.server.store.create(pod('seed-1'));
  f.server.store.create(pod('seed-2'));
  informer = makeInformer(f.kc, path, () => core.listNamespacedPod({ namespace: ns }));
  seen = new Map();
  log = [];
  informer.on('add', (p) => {
    log.push(`add ${p.metadata?.name}`);
    expect(seen.has(p.metadata!.name!), `duplicate add of ${p.metadata?.name}`).toBe(false);
    seen.set(p.metadata!.name!, p.metadata!.resourceVersion!);
  });
  informer.on('update', (p) => {
    log.push(`update ${p.metadata?.name}`);
    seen.set(p.metadata!.name!, p.metadata!.resourceVersion!);
  });
  informer.on('delete', (p) => {
    log.push(`delete ${p.metadata?.name}`);
    seen.delete(p.metadata!.name!);
  });
  await informer.start();
  await expectInSync();
});

afterEach(async () => {
  await informer.stop();
  await f.server.close();
});

const listCalls = () => f.server.requests.count({ method: 'GET', path, watch: false });
const watchCalls = () => f.server.requests.count({ method: 'GET', path, watch: true });

describe('makeInformer against the test server', () => {
  it('sees adds, updates and deletes made through the API, with one list and one watch', async () => {
    await core.createNamespacedPod({ namespace: ns, body: pod('web') });
    await core.patchNamespacedPod({
      namespace: ns,
      name: 'web',
      body: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }],
    });
    await core.deleteNamespacedPod({ namespace: ns, name: 'seed-1' });
    await expectInSync();
    expect(log).toEqual(['add seed-1', 'add seed-2', 'add web', 'update web', 'delete seed-1']);
    expect(listCalls()).toBe(1);
    expect(watchCalls()).toBe(1);
    expect(f.server.watches()).toHaveLength(1);
  });

  it('resumes from its resourceVersion after a dropped watch, missing nothing and relisting nothing', async () => {
    expect(f.server.faults.dropWatches()).toBe(1);
    // Changes while the informer is away: it must get them by replay, not by relisting.
    f.server.store.create(pod('while-away'));
    f.server.store.delete('v1', 'Pod', 'seed-2', ns);
    await expectInSync();
    expect(listCalls()).toBe(1);
    expect(watchCalls()).toBe(2);
    expect(log.slice(2)).toEqual(['add while-away', 'delete seed-2']);
  });

  it('relists after a 410 ERROR event for a compacted resourceVersion, without duplicates', async () => {
    f.server.faults.dropWatches();
    f.server.store.create(pod('after-compaction'));
    f.server.store.delete('v1', 'Pod', 'seed-1', ns);
    f.server.store.patch('v1', 'Pod', 'seed-2', ns, { metadata: { labels: { changed: 'yes' } } });
    f.server.faults.compact();
    await expectInSync();
    await waitFor(() => listCalls() === 2);
    expect(log.slice(2).sort()).toEqual(['add after-compaction', 'delete seed-1', 'update seed-2']);
    await waitFor(() => watchCalls() === 3, {
      what: 'the informer to watch again after relisting',
      timeoutMs: 15_000,
    });
    const watches = f.server.requests.entries({ path, watch: true });
    expect(watches[2]?.query.get('resourceVersion')).not.toBe(watches[1]?.query.get('resourceVersion'));
  });

  it('relists after an injected 410, delivered as an event or as a response', async () => {
    f.server.faults.failNextWatches(1, { code: 410 });
    f.server.faults.dropWatches();
    f.server.store.create(pod('x1'));
    await expectInSync();
    await waitFor(() => listCalls() === 2);
    await waitFor(() => f.server.watches().length === 1, {
      what: 'the watch after the relist',
      timeoutMs: 15_000,
    });
    // An event on the new watch resets the client's reconnect backoff.
    f.server.store.create(pod('poke'));
    await expectInSync();
    f.server.faults.failNextWatches(1, { code: 410, as: 'response' });
    f.server.faults.dropWatches();
    f.server.store.create(pod('x2'));
    await expectInSync();
    await waitFor(() => listCalls() === 3, { timeoutMs: 15_000 });
    expect(log.slice(2)).toEqual(['add x1', 'add poke', 'add x2']);
    await waitFor(() => f.server.watches().length === 1, { what: 'one open watch', timeoutMs: 15_000 });
    expect(f.server.watches()[0]?.path).toBe(path);
    const statuses = f.server.requests.entries({ path, watch: true }).map((e) => e.status);
    expect(statuses).toEqual([200, 200, 200, 410, 200]);
  });

  it('can be restarted after an abrupt disconnect, as its error callback is told', async () => {
    const errors: unknown[] = [];
    informer.on('error', (e) => {
      errors.push(e);
      void informer.start();
    });
    f.server.faults.dropWatches({ abrupt: true });
    f.server.store.create(pod('after-reset'));
    await expectInSync();
    expect(errors).toHaveLength(1);
  });
});
