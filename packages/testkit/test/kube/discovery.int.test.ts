import { ApisApi, CoreApi, CoreV1Api, CustomObjectsApi, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeFixture, startFixture } from '../support/kube-fixture.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ version: { minor: '31', gitVersion: 'v1.31.4' } });
});
afterAll(() => f.server.close());

describe('discovery', () => {
  it('lists the core version and its resources with verbs, short names and subresources', async () => {
    const versions = await f.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(versions.versions).toEqual(['v1']);
    const resources = await f.kc.makeApiClient(CoreV1Api).getAPIResources();
    const pods = resources.resources.find((r) => r.name === 'pods');
    expect(pods).toMatchObject({ namespaced: true, kind: 'Pod', singularName: 'pod', shortNames: ['po'] });
    expect(pods?.verbs).toContain('watch');
    expect(resources.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'pods/status',
        'serviceaccounts/token',
        'namespaces',
        'nodes',
        'endpoints',
        'events',
      ]),
    );
    expect(resources.resources.find((r) => r.name === 'nodes')?.namespaced).toBe(false);
  });

  it('lists the groups, and adds a CRD group once the CRD is created', async () => {
    const apis = f.kc.makeApiClient(ApisApi);
    const before = await apis.getAPIVersions();
    const names = before.groups.map((g) => g.name);
    for (const group of [
      'apps',
      'batch',
      'discovery.k8s.io',
      'admissionregistration.k8s.io',
      'apiextensions.k8s.io',
      'authentication.k8s.io',
      'authorization.k8s.io',
      'rbac.authorization.k8s.io',
      'coordination.k8s.io',
    ])
      expect(names).toContain(group);
    expect(names).not.toContain('linkerd.io');
    for (const crd of (await import('../../src/index.js')).linkerdCrds()) f.server.store.create(crd);
    const after = await apis.getAPIVersions();
    const policy = after.groups.find((g) => g.name === 'policy.linkerd.io');
    expect(policy?.preferredVersion?.version).toBe('v1beta3');
    expect(policy?.versions.map((v) => v.version)).toEqual(['v1beta3', 'v1beta2', 'v1beta1', 'v1alpha1']);
    const res = await fetch(`${f.server.url}/apis/linkerd.io/v1alpha2`);
    const list = (await res.json()) as {
      groupVersion: string;
      resources: Array<{ name: string; shortNames?: string[] }>;
    };
    expect(list.groupVersion).toBe('linkerd.io/v1alpha2');
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'serviceprofiles', shortNames: ['sp'] }),
    ]);
    const custom = await f.kc
      .makeApiClient(CustomObjectsApi)
      .getAPIResources({ group: 'workload.linkerd.io', version: 'v1beta1' });
    expect(custom.resources.map((r) => r.name)).toEqual(['externalworkloads', 'externalworkloads/status']);
  });

  it('answers /version, /healthz, /readyz, /livez and a minimal /openapi/v2', async () => {
    const version = await f.kc.makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.4',
      platform: 'linux/amd64',
    });
    for (const path of ['/healthz', '/readyz', '/livez']) {
      const res = await fetch(`${f.server.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
    }
    const openapi = (await (await fetch(`${f.server.url}/openapi/v2`)).json()) as { swagger: string };
    expect(openapi.swagger).toBe('2.0');
    expect((await fetch(`${f.server.url}/apis/nope.example.com/v1`)).status).toBe(404);
  });

  it('counts requests per path', async () => {
    f.server.requests.clear();
    const core = f.kc.makeApiClient(CoreV1Api);
    await core.listNamespacedPod({ namespace: 'default' });
    await core.listNamespacedPod({ namespace: 'default' });
    await core.listNamespacedService({ namespace: 'default' });
    expect(f.server.requests.count({ path: '/api/v1/namespaces/default/pods' })).toBe(2);
    expect(f.server.requests.count({ path: /\/services$/, method: 'get' })).toBe(1);
    expect(f.server.requests.entries()[0]).toMatchObject({ method: 'GET', status: 200, watch: false });
  });

  it('adds latency and fails requests on demand', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    f.server.faults.latencyMs = 150;
    const started = Date.now();
    await core.listNamespace();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    f.server.faults.latencyMs = 0;
    f.server.faults.failNextRequests(2, 503, { path: '/api/v1/namespaces' });
    await expect(core.listNamespace()).rejects.toMatchObject({ code: 503 });
    await expect(core.listNamespace()).rejects.toMatchObject({ code: 503 });
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    expect(() => f.server.faults.failNextRequests(0, 500)).toThrow(
      /invalid count="0": expected a positive integer/,
    );
    expect(() => {
      f.server.faults.latencyMs = -1;
    }).toThrow(/latencyMs/);
  });
});
