import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, type KubeFixture, startFixture } from '../support/kube-fixture.js';

let f: KubeFixture;
let core: CoreV1Api;
beforeAll(async () => {
  f = await startFixture();
  core = f.kc.makeApiClient(CoreV1Api);
});
afterAll(() => f.server.close());

const ns = 'default';

describe('optimistic concurrency', () => {
  it('refuses a replace with a stale resourceVersion with 409 Conflict', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'occ' }, data: { v: '0' } },
    });
    const first = await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'occ',
      body: { ...created, data: { v: '1' } },
    });
    expect(first.data).toEqual({ v: '1' });
    const status = await expectStatus(
      () =>
        core.replaceNamespacedConfigMap({
          namespace: ns,
          name: 'occ',
          body: { ...created, data: { v: 'stale' } },
        }),
      409,
      'Conflict',
    );
    expect(status.message).toBe(
      'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(status.details).toMatchObject({ name: 'occ', kind: 'configmaps' });
    // Without a resourceVersion the replace is unconditional.
    const { resourceVersion: _rv, ...meta } = created.metadata!;
    const forced = await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'occ',
      body: { metadata: meta, data: { v: '2' } },
    });
    expect(forced.data).toEqual({ v: '2' });
  });

  it('does not bump the resourceVersion for a write that changes nothing', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'occ' });
    const same = await core.replaceNamespacedConfigMap({ namespace: ns, name: 'occ', body: cm });
    expect(same.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });

  it('answers 404 for replacing an object that does not exist and 400 for a name mismatch', async () => {
    await expectStatus(
      () =>
        core.replaceNamespacedConfigMap({
          namespace: ns,
          name: 'ghost',
          body: { metadata: { name: 'ghost' } },
        }),
      404,
      'NotFound',
    );
    const status = await expectStatus(
      () =>
        core.replaceNamespacedConfigMap({
          namespace: ns,
          name: 'occ',
          body: { metadata: { name: 'other' } },
        }),
      400,
      'BadRequest',
    );
    expect(status.message).toContain('does not match the name on the URL');
  });

  it('checks delete preconditions', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'occ' });
    const status = await expectStatus(
      () =>
        core.deleteNamespacedConfigMap({
          namespace: ns,
          name: 'occ',
          body: { preconditions: { uid: 'not-the-uid' } },
        }),
      409,
      'Conflict',
    );
    expect(status.message).toContain(`UID in object meta: ${cm.metadata?.uid}`);
    await core.deleteNamespacedConfigMap({
      namespace: ns,
      name: 'occ',
      body: { preconditions: { uid: cm.metadata!.uid! } },
    });
  });
});

describe('patches', () => {
  it('applies a JSON merge patch: null removes, objects merge, lists replace', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'mp', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } },
    });
    const patched = await core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'mp',
        body: { metadata: { labels: { b: null, c: '3' } }, data: { x: null, z: '3' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels).toEqual({ a: '1', c: '3' });
    expect(patched.data).toEqual({ y: '2', z: '3' });
  });

  it('applies a strategic merge patch as a merge patch', async () => {
    const patched = await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'mp', body: { metadata: { annotations: { note: 'smp' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata?.annotations).toEqual({ note: 'smp' });
    expect(patched.data).toEqual({ y: '2', z: '3' });
  });

  it('applies a JSON patch (RFC 6902), the client default, and reports a failed test op as 422', async () => {
    const patched = await core.patchNamespacedConfigMap({
      namespace: ns,
      name: 'mp',
      body: [
        { op: 'test', path: '/data/y', value: '2' },
        { op: 'add', path: '/metadata/labels/d', value: '4' },
        { op: 'remove', path: '/data/z' },
        { op: 'replace', path: '/data/y', value: 'two' },
        { op: 'copy', from: '/data/y', path: '/data/w' },
        { op: 'move', from: '/metadata/labels/a', path: '/metadata/labels/moved' },
      ],
    });
    expect(patched.data).toEqual({ y: 'two', w: 'two' });
    expect(patched.metadata?.labels).toEqual({ c: '3', d: '4', moved: '1' });
    const status = await expectStatus(
      () =>
        core.patchNamespacedConfigMap({
          namespace: ns,
          name: 'mp',
          body: [{ op: 'test', path: '/data/y', value: 'nope' }],
        }),
      422,
      'Invalid',
    );
    expect(status.message).toContain('operation 0 (test /data/y)');
  });

  it('treats a resourceVersion in a merge patch as a precondition', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'mp' });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'mp',
        body: { metadata: { resourceVersion: cm.metadata!.resourceVersion }, data: { q: '1' } },
      },
      merge,
    );
    await expectStatus(
      () =>
        core.patchNamespacedConfigMap(
          {
            namespace: ns,
            name: 'mp',
            body: { metadata: { resourceVersion: cm.metadata!.resourceVersion }, data: { q: '2' } },
          },
          merge,
        ),
      409,
      'Conflict',
    );
  });

  it('answers 415 for server-side apply and for unknown patch types', async () => {
    const status = await expectStatus(
      () =>
        core.patchNamespacedConfigMap(
          { namespace: ns, name: 'mp', body: { data: { a: 'b' } } },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        ),
      415,
      'UnsupportedMediaType',
    );
    expect(status.message).toContain('server-side apply is not implemented');
    expect(status.message).toContain('application/merge-patch+json');
  });

  it('patches the status subresource only through /status', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'i' }] },
        status: { podIP: '1.2.3.4' },
      },
    });
    const created = await core.readNamespacedPod({ namespace: ns, name: 'p' });
    expect(created.status).toEqual({ phase: 'Pending' });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const ignored = await core.patchNamespacedPod(
      { namespace: ns, name: 'p', body: { status: { podIP: '9.9.9.9' } } },
      merge,
    );
    expect(ignored.status?.podIP).toBeUndefined();
    const running = await core.patchNamespacedPodStatus(
      { namespace: ns, name: 'p', body: { status: { phase: 'Running', podIP: '10.0.0.7' } } },
      merge,
    );
    expect(running.status).toEqual({ phase: 'Running', podIP: '10.0.0.7' });
  });

  it('keeps an object with finalizers until the last finalizer is removed', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'fin', finalizers: ['example.com/keep'] } },
    });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'fin' });
    const marked = await core.readNamespacedConfigMap({ namespace: ns, name: 'fin' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'fin', body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await expectStatus(() => core.readNamespacedConfigMap({ namespace: ns, name: 'fin' }), 404, 'NotFound');
  });

  it('deletes a collection by label selector', async () => {
    for (const name of ['k1', 'k2', 'k3'])
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name, labels: { sweep: name === 'k3' ? 'no' : 'yes' } } },
      });
    await core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'sweep=yes' });
    const left = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'sweep' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['k3']);
  });

  it('does not store anything on dryRun=All', async () => {
    const dry = await core.createNamespacedConfigMap({
      namespace: ns,
      dryRun: 'All',
      body: { metadata: { name: 'dry' } },
    });
    expect(dry.metadata?.name).toBe('dry');
    await expectStatus(() => core.readNamespacedConfigMap({ namespace: ns, name: 'dry' }), 404, 'NotFound');
  });
});
