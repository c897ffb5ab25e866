import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/index.js';
import { type KubeFixture, startFixture } from '../support/kube-fixture.js';
import { recordWatch } from '../support/watch-recorder.js';

let f: KubeFixture;
let core: CoreV1Api;
beforeEach(async () => {
  f = await startFixture({ bookmarkIntervalMs: 50 });
  core = f.kc.makeApiClient(CoreV1Api);
});
afterEach(() => f.server.close());

const cm = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  data: { v: '1' },
});
const path = '/api/v1/namespaces/default/configmaps';

describe('watch', () => {
  it('starts without a resourceVersion with synthetic ADDED events, then streams changes', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('old') });
    const w = await recordWatch(f.kc, path, {});
    await waitFor(() => w.events.length === 1);
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('new') });
    await core.patchNamespacedConfigMap({
      namespace: 'default',
      name: 'new',
      body: [{ op: 'add', path: '/data/w', value: '2' }],
    });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'old' });
    await waitFor(() => w.events.length === 4);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual([
      'ADDED old',
      'ADDED new',
      'MODIFIED new',
      'DELETED old',
    ]);
    const rvs = w.events.slice(1).map((e) => Number(e.rv));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(w.events[1]?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    w.abort();
  });

  it('replays the changes after a resourceVersion', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('one') });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('two') });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'one' });
    const w = await recordWatch(f.kc, path, { resourceVersion: first.metadata!.resourceVersion! });
    await waitFor(() => w.events.length === 2);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED two', 'DELETED one']);
    w.abort();
  });

  it('sends an ERROR event with a 410 Status for a compacted resourceVersion, then ends', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('one') });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('two') });
    const compacted = f.server.faults.compact();
    const w = await recordWatch(f.kc, path, { resourceVersion: first.metadata!.resourceVersion! });
    expect(await w.done).toBeNull();
    expect(w.events).toHaveLength(1);
    expect(w.events[0]?.type).toBe('ERROR');
    expect(w.events[0]?.object).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: `too old resource version: ${first.metadata!.resourceVersion} (${compacted})`,
    });
  });

  it('drops history beyond historyLimit, so old resourceVersions expire on their own', async () => {
    await f.server.close();
    f = await startFixture({ historyLimit: 3 });
    core = f.kc.makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('h0') });
    for (const n of [1, 2, 3])
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm(`h${n}`) });
    // The three changes after h0 are all retained, so a watch from h0 still replays them.
    const kept = await recordWatch(f.kc, path, { resourceVersion: first.metadata!.resourceVersion! });
    await waitFor(() => kept.events.length === 3);
    expect(kept.events.map((e) => e.name)).toEqual(['h1', 'h2', 'h3']);
    kept.abort();
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('h4') });
    const w = await recordWatch(f.kc, path, { resourceVersion: first.metadata!.resourceVersion! });
    await w.done;
    expect(w.events.map((e) => e.type)).toEqual(['ERROR']);
  });

  it('sends BOOKMARK events with the current resourceVersion when allowed', async () => {
    const w = await recordWatch(f.kc, path, { allowWatchBookmarks: true, resourceVersion: '0' });
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'elsewhere' } } });
    const rv = String(Number(f.server.store.resourceVersion));
    await waitFor(() => w.events.some((e) => e.type === 'BOOKMARK' && e.rv === rv));
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: bookmark?.rv },
    });
    const plain = await recordWatch(f.kc, path, {});
    await new Promise((r) => setTimeout(r, 200));
    expect(plain.events.filter((e) => e.type === 'BOOKMARK')).toEqual([]);
    w.abort();
    plain.abort();
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const w = await recordWatch(f.kc, path, { timeoutSeconds: 1 });
    expect(await w.done).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(f.server.watches()).toEqual([]);
  });

  it('turns label changes into ADDED and DELETED for a selector watch', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('sel', { app: 'web' }) });
    const w = await recordWatch(f.kc, path, { labelSelector: 'app=web' });
    await waitFor(() => w.events.length === 1);
    const merge = (labels: Record<string, string>) =>
      core.patchNamespacedConfigMap({
        namespace: 'default',
        name: 'sel',
        body: [{ op: 'replace', path: '/metadata/labels', value: labels }],
      });
    await merge({ app: 'db' });
    await merge({ app: 'web' });
    await merge({ app: 'web', extra: 'x' });
    await waitFor(() => w.events.length === 4);
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED', 'MODIFIED']);
    w.abort();
  });

  it('serves legacy /watch/ paths for a single object', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('solo') });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('other') });
    const w = await recordWatch(f.kc, '/api/v1/watch/namespaces/default/configmaps/solo', {});
    await waitFor(() => w.events.length === 1);
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'other' });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'solo' });
    await waitFor(() => w.events.length === 2);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED solo', 'DELETED solo']);
    w.abort();
  });

  it('supports watch-list: initial events then a bookmark marking their end', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('wl') });
    const w = await recordWatch(f.kc, path, {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
    });
    await waitFor(() => w.events.length >= 2);
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'wl' });
    expect(w.events[1]?.object).toMatchObject({
      metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
    w.abort();
  });

  it('streams PartialObjectMetadata to metadata-only watches', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('meta-only') });
    const res = await fetch(`${f.server.url}${path}?watch=true`, {
      headers: { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json' },
    });
    const reader = res.body!.getReader();
    const line = JSON.parse(new TextDecoder().decode((await reader.read()).value).split('\n')[0]!) as {
      type: string;
      object: Record<string, unknown>;
    };
    expect(line.type).toBe('ADDED');
    expect(line.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'meta-only' },
    });
    expect(line.object).not.toHaveProperty('data');
    await reader.cancel();
  });

  it('lists what is open and drops watches on demand, cleanly or abruptly', async () => {
    const a = await recordWatch(f.kc, path, {});
    const b = await recordWatch(f.kc, '/api/v1/namespaces/default/secrets', { labelSelector: 'x=y' });
    await waitFor(() => f.server.watches().length === 2);
    expect(f.server.watches()).toContainEqual(
      expect.objectContaining({
        path: '/api/v1/namespaces/default/secrets',
        resource: 'secrets',
        labelSelector: 'x=y',
      }),
    );
    expect(f.server.faults.dropWatches({ path })).toBe(1);
    expect(await a.done).toBeNull();
    expect(f.server.faults.dropWatches({ abrupt: true })).toBe(1);
    expect(await b.done).toBeInstanceOf(Error);
    expect(f.server.requests.count({ watch: true })).toBe(2);
  });

  it('fails the next watches on demand, as events or as responses', async () => {
    f.server.faults.failNextWatches(1, { code: 500 });
    const ev = await recordWatch(f.kc, path, {});
    await ev.done;
    expect(ev.events.map((e) => [e.type, (e.object as { code?: number }).code])).toEqual([['ERROR', 500]]);
    f.server.faults.failNextWatches(1, { code: 410, as: 'response' });
    const resp = await recordWatch(f.kc, path, {});
    expect(await resp.done).toMatchObject({ statusCode: 410 });
    const ok = await recordWatch(f.kc, path, {});
    await waitFor(() => f.server.watches().length === 1);
    ok.abort();
  });
});
