import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, type KubeFixture, startFixture } from '../support/kube-fixture.js';

let f: KubeFixture;
let core: CoreV1Api;

function pod(name: string, labels: Record<string, string>, node: string, ip: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'app' }] },
    status: { phase: 'Running', podIP: ip },
  };
}

const names = (list: { items: Array<{ metadata?: { name?: string } }> }) =>
  list.items.map((i) => i.metadata?.name);

beforeAll(async () => {
  f = await startFixture();
  core = f.kc.makeApiClient(CoreV1Api);
  f.server.store.create(pod('a', { app: 'web', tier: 'front' }, 'node-1', '10.1.0.1'));
  f.server.store.create(pod('b', { app: 'web', tier: 'back' }, 'node-2', '10.1.0.2'));
  f.server.store.create(pod('c', { app: 'db' }, 'node-1', '10.1.0.3'));
  f.server.store.create(pod('d', { app: 'cache', canary: 'true' }, 'node-2', '10.1.0.4'));
  f.server.store.create(pod('e', {}, 'node-3', '10.1.0.5'));
});
afterAll(() => f.server.close());

describe('selectors', () => {
  it('filters by equality, inequality, set-based and existence label requirements', async () => {
    const list = (labelSelector: string) => core.listNamespacedPod({ namespace: 'default', labelSelector });
    expect(names(await list('app=web'))).toEqual(['a', 'b']);
    expect(names(await list('app==web,tier!=front'))).toEqual(['b']);
    expect(names(await list('app in (db, cache)'))).toEqual(['c', 'd']);
    expect(names(await list('app notin (web),app'))).toEqual(['c', 'd']);
    expect(names(await list('!app'))).toEqual(['e']);
    expect(names(await list('canary'))).toEqual(['d']);
    expect(names(await list('app in (web,db),tier notin (back)'))).toEqual(['a', 'c']);
  });

  it('answers 400 for a selector it cannot parse', async () => {
    const status = await expectStatus(
      () => core.listNamespacedPod({ namespace: 'default', labelSelector: 'app in (web' }),
      400,
      'BadRequest',
    );
    expect(status.message).toContain('unable to parse requirement');
  });

  it('filters by metadata.name, spec.nodeName and status.podIP field selectors', async () => {
    const list = (fieldSelector: string) => core.listPodForAllNamespaces({ fieldSelector });
    expect(names(await list('metadata.name=c'))).toEqual(['c']);
    expect(names(await list('spec.nodeName=node-1'))).toEqual(['a', 'c']);
    expect(names(await list('status.podIP=10.1.0.4'))).toEqual(['d']);
    expect(names(await list('spec.nodeName!=node-1,metadata.namespace=default'))).toEqual(['b', 'd', 'e']);
    const status = await expectStatus(() => list('spec.unknownField=x'), 400, 'BadRequest');
    expect(status.message).toContain('field label not supported: spec.unknownField');
  });
});

describe('paging and resourceVersion', () => {
  it('pages with limit and continue over one consistent snapshot', async () => {
    const first = await core.listNamespacedPod({ namespace: 'default', limit: 2 });
    expect(names(first)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const snapshotRv = first.metadata?.resourceVersion;
    // A change between pages does not show in the rest of the list.
    f.server.store.create(pod('bb', { app: 'web' }, 'node-1', '10.1.0.9'));
    f.server.store.delete('v1', 'Pod', 'd', 'default');
    const second = await core.listNamespacedPod({
      namespace: 'default',
      limit: 2,
      _continue: first.metadata!._continue!,
    });
    expect(names(second)).toEqual(['c', 'd']);
    expect(second.metadata?.resourceVersion).toBe(snapshotRv);
    const third = await core.listNamespacedPod({
      namespace: 'default',
      limit: 2,
      _continue: second.metadata!._continue!,
    });
    expect(names(third)).toEqual(['e']);
    expect(third.metadata?._continue).toBeUndefined();
    expect(names(await core.listNamespacedPod({ namespace: 'default' }))).toEqual(['a', 'b', 'bb', 'c', 'e']);
    f.server.store.create(pod('d', { app: 'cache', canary: 'true' }, 'node-2', '10.1.0.4'));
    f.server.store.delete('v1', 'Pod', 'bb', 'default');
  });

  it('lists the state at an exact resourceVersion, and answers 410 once it is compacted', async () => {
    const before = await core.listNamespacedPod({ namespace: 'default' });
    const rv = before.metadata!.resourceVersion!;
    f.server.store.patch('v1', 'Pod', 'a', 'default', { metadata: { labels: { app: 'changed' } } });
    const exact = await core.listNamespacedPod({
      namespace: 'default',
      resourceVersion: rv,
      resourceVersionMatch: 'Exact',
      labelSelector: 'app=web',
    });
    expect(names(exact)).toEqual(['a', 'b']);
    expect(exact.metadata?.resourceVersion).toBe(rv);
    const notOlder = await core.listNamespacedPod({
      namespace: 'default',
      resourceVersion: rv,
      labelSelector: 'app=web',
    });
    expect(names(notOlder)).toEqual(['b']);
    f.server.faults.compact();
    const gone = await expectStatus(
      () =>
        core.listNamespacedPod({ namespace: 'default', resourceVersion: rv, resourceVersionMatch: 'Exact' }),
      410,
      'Expired',
    );
    expect(gone.message).toContain(`too old resource version: ${rv}`);
    const cont = await core.listNamespacedPod({ namespace: 'default', limit: 1 });
    f.server.store.patch('v1', 'Pod', 'a', 'default', { metadata: { labels: { app: 'web' } } });
    f.server.faults.compact();
    await expectStatus(
      () => core.listNamespacedPod({ namespace: 'default', limit: 1, _continue: cont.metadata!._continue! }),
      410,
      'Expired',
    );
  });

  it('answers 504 for a resourceVersion newer than the store', async () => {
    const status = await expectStatus(
      () => core.listNamespacedPod({ namespace: 'default', resourceVersion: '999999' }),
      504,
      'Timeout',
    );
    expect(status.details?.causes?.[0]?.reason).toBe('ResourceVersionTooLarge');
  });

  it('omits apiVersion and kind on items of built-in lists, like the real server', async () => {
    const res = await fetch(`${f.server.url}/api/v1/namespaces/default/pods?limit=1`);
    const body = (await res.json()) as {
      kind: string;
      apiVersion: string;
      items: Array<Record<string, unknown>>;
    };
    expect(body.kind).toBe('PodList');
    expect(body.apiVersion).toBe('v1');
    expect(body.items[0]).not.toHaveProperty('kind');
    expect(body.items[0]).toHaveProperty('metadata.name', 'a');
  });

  it('serves metadata-only lists to clients that ask for PartialObjectMetadataList', async () => {
    const res = await fetch(`${f.server.url}/api/v1/pods`, {
      headers: {
        accept:
          'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
      },
    });
    const body = (await res.json()) as { kind: string; items: Array<Record<string, unknown>> };
    expect(body.kind).toBe('PartialObjectMetadataList');
    expect(body.items[0]).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(body.items[0]).not.toHaveProperty('spec');
    const table = await fetch(`${f.server.url}/api/v1/pods`, {
      headers: { accept: 'application/json;as=Table;g=meta.k8s.io;v=v1' },
    });
    expect(table.status).toBe(406);
  });
});
