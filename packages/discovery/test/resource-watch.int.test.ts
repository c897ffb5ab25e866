import { CoreV1Api, KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { type KubeApiServer, linkerdCrds, startKubeApiServer, waitFor } from '@skein/testkit';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  kinds,
  type ResourceEvent,
  type ResourceKind,
  ResourceWatch,
  WatchMetrics,
} from '../src/server/index.js';

let api: KubeApiServer;
let kc: KubeConfig;
const PATH = '/api/v1/configmaps';
const configMaps: ResourceKind<V1ConfigMap> = {
  name: 'configmaps',
  path: PATH,
  list: (k) => {
    const core = k.makeApiClient(CoreV1Api);
    return (page) => core.listConfigMapForAllNamespaces(page);
  },
  trim: (o) => {
    delete o.metadata?.annotations;
  },
};
const cm = (name: string, v = '1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data: { v },
});
const show = (e: ResourceEvent<V1ConfigMap>) =>
  e.type === 'synced' ? 'synced' : `${e.type} ${e.object.metadata?.name}=${e.object.data?.v}`;

beforeEach(async () => {
  api = await startKubeApiServer();
  kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig);
  api.store.create(cm('a'));
});
afterEach(() => api.close());

describe('ResourceWatch', () => {
  it('runs one list and one watch for all subscribers, replays state to late ones, and stops with the last', async () => {
    const watch = new ResourceWatch(kc, configMaps);
    const early: string[] = [];
    const s1 = watch.events().subscribe((e) => early.push(show(e)));
    await waitFor(() => early.includes('synced'));
    api.store.create(cm('b'));
    await waitFor(() => early.length === 3);
    const late: string[] = [];
    const s2 = watch.events().subscribe((e) => late.push(show(e)));
    expect(late).toEqual(['added a=1', 'added b=1', 'synced']);
    api.store.apply(cm('a', '2'));
    await waitFor(() => late.length === 4 && early.length === 4);
    expect(early).toEqual(['added a=1', 'synced', 'added b=1', 'modified a=2']);
    expect(late.at(-1)).toBe('modified a=2');
    expect(api.requests.count({ path: PATH, watch: false })).toBe(1);
    expect(api.watches().filter((w) => w.path === PATH)).toHaveLength(1);
    expect(watch.get('a', 'default')?.data?.v).toBe('2');
    s1.unsubscribe();
    expect(api.watches()).toHaveLength(1);
    s2.unsubscribe();
    await waitFor(() => api.watches().length === 0, { what: 'the watch to stop' });
    expect(watch.synced).toBe(false);
  });

  it('lists page by page, trimming each page, and caches the trimmed objects', async () => {
    for (const name of ['b', 'c', 'd', 'e']) {
      api.store.create({
        ...cm(name),
        metadata: { ...cm(name).metadata, annotations: { big: 'x'.repeat(1000) } },
      });
    }
    const watch = new ResourceWatch(kc, configMaps, { pageSize: 2 });
    const seen: string[] = [];
    const sub = watch.events().subscribe((e) => seen.push(show(e)));
    await waitFor(() => seen.includes('synced'));
    expect(seen).toEqual(['added a=1', 'added b=1', 'added c=1', 'added d=1', 'added e=1', 'synced']);
    const lists = api.requests.entries({ path: PATH, watch: false });
    expect(lists.map((r) => [r.query.get('limit'), r.query.has('continue')])).toEqual([
      ['2', false],
      ['2', true],
      ['2', true],
    ]);
    expect(watch.list().every((o) => o.metadata?.annotations === undefined)).toBe(true);
    sub.unsubscribe();
  });

  it('restarts after failed lists and abrupt resets with backoff, without losing or repeating changes', async () => {
    const registry = new Registry();
    const watch = new ResourceWatch(kc, configMaps, {
      backoff: { minMs: 20, maxMs: 100 },
      metrics: new WatchMetrics(registry),
    });
    api.faults.failNextRequests(2, 500, { path: PATH, watch: false });
    const seen: string[] = [];
    const sub = watch.events().subscribe((e) => seen.push(show(e)));
    await waitFor(() => seen.includes('synced'), { what: 'a successful list after two failures' });
    api.faults.dropWatches({ path: PATH, abrupt: true });
    api.store.create(cm('c'));
    api.store.delete('v1', 'ConfigMap', 'a', 'default');
    await waitFor(() => seen.length === 4, { what: 'the changes made during the reset' });
    expect(seen).toEqual(['added a=1', 'synced', 'added c=1', 'deleted a=1']);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/skein_destination_watch_failures_total\{resource="configmaps"\} 3/);
    expect(metrics).toMatch(/skein_destination_watch_restarts_total\{resource="configmaps"\} 3/);
    sub.unsubscribe();
  });
});

describe('ResourceWatch of a kind the server does not serve', () => {
  it('reports it synced and empty, and picks it up once it is served', async () => {
    const kind = kinds.serviceProfiles;
    const watch = new ResourceWatch(kc, kind, { backoff: { minMs: 20, maxMs: 50 } });
    const seen: string[] = [];
    const sub = watch
      .events()
      .subscribe((e) => seen.push(e.type === 'synced' ? 'synced' : `${e.type} ${e.object.metadata?.name}`));
    await waitFor(() => seen.includes('synced'), { what: 'synced despite 404' });
    for (const crd of linkerdCrds()) api.store.create(crd);
    api.store.create({
      apiVersion: 'linkerd.io/v1alpha2',
      kind: 'ServiceProfile',
      metadata: { name: 'web.default.svc.cluster.local', namespace: 'default' },
      spec: { routes: [] },
    });
    await waitFor(() => seen.length === 2, { what: 'the profile once the CRD exists' });
    expect(seen).toEqual(['synced', 'added web.default.svc.cluster.local']);
    sub.unsubscribe();
  });
});
