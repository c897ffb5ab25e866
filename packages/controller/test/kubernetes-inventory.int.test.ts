import { KubeConfig } from '@kubernetes/client-node';
import { type KubeApiServer, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inventoryTapResolver,
  KubernetesInventory,
  listResources,
  subjectAccessReviewPolicy,
} from '../src/index.js';

let api: KubeApiServer;
let kc: KubeConfig;

function pod(
  name: string,
  ip: string,
  opts: {
    meshed?: boolean;
    tap?: boolean;
    owner?: object;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'demo',
      labels: opts.labels ?? {},
      annotations: opts.annotations ?? {},
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
    },
    spec: {
      serviceAccountName: 'web',
      containers: [
        { name: 'app', image: 'app' },
        ...(opts.meshed
          ? [
              {
                name: 'linkerd-proxy',
                image: 'proxy',
                env: [
                  { name: 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', value: '0.0.0.0:4191' },
                  ...(opts.tap
                    ? [
                        {
                          name: 'LINKERD2_PROXY_TAP_SVC_NAME',
                          value: 'tap.linkerd-viz.serviceaccount.identity.linkerd.cluster.local',
                        },
                      ]
                    : []),
                ],
              },
            ]
          : []),
      ],
    },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

beforeAll(async () => {
  api = await startKubeApiServer();
  kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig);
  api.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c', uid: 'u1', controller: true };
  api.store.create(
    pod('web-7d9f8c-aaaaa', '10.1.0.1', {
      meshed: true,
      tap: true,
      owner: rs,
      labels: { app: 'web', 'pod-template-hash': '7d9f8c' },
    }),
  );
  api.store.create(
    pod('web-7d9f8c-bbbbb', '10.1.0.2', {
      meshed: true,
      owner: rs,
      labels: { app: 'web', 'pod-template-hash': '7d9f8c' },
    }),
  );
  api.store.create(
    pod('db-0', '10.1.0.3', {
      owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u2', controller: true },
      labels: { app: 'db' },
    }),
  );
  api.store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  api.auth.allow({
    user: 'alice',
    verbs: ['watch'],
    apiGroups: ['tap.linkerd.io'],
    resources: ['deployments'],
    subresource: 'tap',
    namespaces: ['demo'],
  });
});

afterAll(async () => {
  await api?.close();
});

describe('KubernetesInventory', () => {
  it('reads pods with owners, mesh status and proxy addresses, and services with their pods', async () => {
    const inv = new KubernetesInventory({ kubeConfig: kc });
    const pods = await inv.pods('demo');
    const web = pods.find((p) => p.name === 'web-7d9f8c-aaaaa')!;
    expect(web.owner).toEqual({ kind: 'deployment', name: 'web' });
    expect(web.meshed).toBe(true);
    expect(web.proxy).toEqual({ adminAddress: '10.1.0.1:4191', tapAddress: '10.1.0.1:4190' });
    expect(web.tapEnabled).toBe(true);
    expect(pods.find((p) => p.name === 'web-7d9f8c-bbbbb')!.tapEnabled).toBe(false);
    expect(pods.find((p) => p.name === 'db-0')).toMatchObject({
      meshed: false,
      owner: { kind: 'statefulset', name: 'db' },
    });
    const [svc] = await inv.services('demo');
    expect(svc).toMatchObject({ name: 'web', fqdn: 'web.demo.svc.cluster.local', ports: [80] });
    expect([...svc!.pods].sort()).toEqual(['web-7d9f8c-aaaaa', 'web-7d9f8c-bbbbb']);
    const deployments = await listResources(inv, 'deployment', 'demo');
    expect(deployments.map((d) => [d.name, d.pods.length])).toEqual([['web', 2]]);
    expect(await inv.profiles('demo')).toEqual([]);
  });

  it('resolves tap targets and says why pods cannot be tapped', async () => {
    const resolver = inventoryTapResolver(new KubernetesInventory({ kubeConfig: kc }));
    const pods = await resolver.resolveTapTarget({ namespace: 'demo', kind: 'deploy', name: 'web' });
    expect(pods.filter((p) => p.tappable).map((p) => p.tapAddress)).toEqual(['10.1.0.1:4190']);
    expect(pods.find((p) => !p.tappable)?.reason).toMatch(/tap is not enabled/);
    const db = await resolver.resolveTapTarget({ namespace: 'demo', kind: 'sts', name: 'db' });
    expect(db[0]!.reason).toBe('not meshed');
    await expect(
      resolver.resolveTapTarget({ namespace: 'demo', kind: 'deploy', name: 'nope' }),
    ).rejects.toThrow('tap: deployment/nope in namespace demo not found');
    await expect(resolver.resolveTapTarget({ namespace: 'demo', kind: 'gizmo' })).rejects.toThrow(
      /kind: expected a resource kind/,
    );
  });

  it('authorizes tap with a SubjectAccessReview (watch tap.linkerd.io deployments/tap)', async () => {
    const policy = subjectAccessReviewPolicy(kc);
    const target = { namespace: 'demo', kind: 'deployment', name: 'web' };
    expect(await policy.allowed({ user: 'alice', groups: [] }, target)).toBe(true);
    expect(await policy.allowed({ user: 'bob', groups: [] }, target)).toBe(false);
    expect(await policy.allowed({ user: 'alice', groups: [] }, { ...target, namespace: 'other' })).toBe(
      false,
    );
  });
});
