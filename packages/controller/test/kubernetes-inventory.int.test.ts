import { KubeConfig } from '@kubernetes/client-node';
import { staticTapPolicy, TapAggregator, TapNotFoundError } from '@skein/tap';
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
    namespace?: string;
    controlPlane?: string;
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
      namespace: opts.namespace ?? 'demo',
      // What the proxy injector and then the tap injector write.
      labels: {
        ...(opts.meshed ? { 'linkerd.io/control-plane-ns': opts.controlPlane ?? 'linkerd' } : {}),
        ...opts.labels,
      },
      annotations: { ...(opts.tap ? { 'viz.linkerd.io/tap-enabled': 'true' } : {}), ...opts.annotations },
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
                          value: 'linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
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
  // Tapped by hand-written env alone, without the tap injector's annotation.
  const sts = (n: string) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name: n,
    uid: `u-${n}`,
    controller: true,
  });
  const untapped = pod('cache-0', '10.1.0.4', { meshed: true, owner: sts('cache') });
  untapped.spec.containers[1]!.env!.push({
    name: 'LINKERD2_PROXY_TAP_SVC_NAME',
    value: 'linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
  });
  api.store.create(untapped);
  api.store.create(
    pod('vault-0', '10.1.0.5', {
      meshed: true,
      tap: true,
      owner: sts('vault'),
      annotations: { 'viz.linkerd.io/disable-tap': 'true' },
    }),
  );
  api.store.create(
    pod('other-0', '10.1.0.6', { meshed: true, tap: true, owner: sts('other'), controlPlane: 'mesh2' }),
  );
  api.store.create({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'quiet', annotations: { 'viz.linkerd.io/disable-tap': 'true' } },
  });
  api.store.create(pod('q-0', '10.1.0.7', { meshed: true, tap: true, owner: sts('q'), namespace: 'quiet' }));
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
    expect(pods.find((p) => !p.tappable)?.reason).toMatch(
      /^not annotated viz\.linkerd\.io\/tap-enabled=true/,
    );
    const db = await resolver.resolveTapTarget({ namespace: 'demo', kind: 'sts', name: 'db' });
    expect(db[0]!.reason).toBe('not meshed');
    await expect(
      resolver.resolveTapTarget({ namespace: 'demo', kind: 'deploy', name: 'nope' }),
    ).rejects.toThrow('tap: deployment/nope in namespace demo not found');
    await expect(resolver.resolveTapTarget({ namespace: 'demo', kind: 'gizmo' })).rejects.toThrow(
      /kind: expected a resource kind/,
    );
  });

  it('taps only pods meshed by this control plane, annotated by the tap injector and not opted out', async () => {
    const resolver = inventoryTapResolver(
      new KubernetesInventory({ kubeConfig: kc, controlPlaneNamespace: 'linkerd' }),
    );
    const reason = async (namespace: string, name: string) => {
      const [p] = await resolver.resolveTapTarget({ namespace, kind: 'sts', name });
      return p!.tappable ? 'tappable' : p!.reason;
    };
    expect(await reason('demo', 'cache')).toBe(
      'not annotated viz.linkerd.io/tap-enabled=true: the tap injector did not run when it was created (restart it to enable tap)',
    );
    expect(await reason('demo', 'vault')).toBe('tap is disabled by viz.linkerd.io/disable-tap on the pod');
    expect(await reason('demo', 'other')).toBe(
      'meshed by the control plane in namespace mesh2, not this one (linkerd)',
    );
    expect(await reason('quiet', 'q')).toBe(
      'tap is disabled by viz.linkerd.io/disable-tap on namespace quiet',
    );
    // Without a control-plane namespace, any control plane's pods qualify.
    const any = inventoryTapResolver(new KubernetesInventory({ kubeConfig: kc }));
    expect((await any.resolveTapTarget({ namespace: 'demo', kind: 'sts', name: 'other' }))[0]!.tappable).toBe(
      true,
    );
    // None qualify: NotFound with the reasons.
    const tap = new TapAggregator({ resolver, policy: staticTapPolicy({ users: ['alice'] }) });
    await expect(
      tap.open(
        { target: { namespace: 'demo', kind: 'statefulset', name: 'vault' } },
        { user: 'alice', groups: [] },
      ),
    ).rejects.toThrow(
      new TapNotFoundError(
        'tap: no pods to tap for statefulset/vault in namespace demo: pod demo/vault-0: tap is disabled by viz.linkerd.io/disable-tap on the pod',
      ),
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
