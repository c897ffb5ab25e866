import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DestinationEnv, startDestinationEnv } from './support/destination-env.js';
import { pod, service, slice } from './support/kube-objects.js';

let env: DestinationEnv;
const ns = 'ns';
const FQN = 'web.ns.svc.cluster.local';
const BUDGET = { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: { seconds: '10' } };
const PARENT = { resource: { group: 'core', kind: 'Service', name: 'web', namespace: ns, port: 80 } };
const SP = { group: 'linkerd.io', version: 'v1alpha2', plural: 'serviceprofiles' };
const spRef = (namespace: string) => ({
  resource: { group: 'linkerd.io', kind: 'ServiceProfile', name: FQN, namespace },
});

function profile(namespace: string, routes: unknown[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: FQN, namespace },
    spec: { routes, ...extra },
  };
}

beforeAll(async () => {
  env = await startDestinationEnv();
  await env.core.createNamespacedService({
    namespace: ns,
    body: service(
      ns,
      'web',
      [
        { port: 80, name: 'http' },
        { port: 3306, name: 'db' },
      ],
      { clusterIP: '10.96.0.10' },
    ),
  });
  await env.core.createNamespacedService({
    namespace: ns,
    body: service(ns, 'tcp', [{ port: 4242 }], {
      clusterIP: '10.96.0.11',
      annotations: { 'config.linkerd.io/opaque-ports': '4242' },
    }),
  });
});
afterAll(() => env.close());

describe('GetProfile for services', () => {
  it('follows ServiceProfiles being created, changed, shadowed by the client namespace and deleted', async () => {
    const server = env.getProfile(`${FQN}:80`, JSON.stringify({ ns: 'client-ns' }));
    await server.atLeast(1, 'the default profile');
    await env.custom.createNamespacedCustomObject({
      ...SP,
      namespace: ns,
      body: profile(
        ns,
        [
          {
            name: 'GET /books/{id}',
            condition: { method: 'GET', pathRegex: '/books/\\d+' },
            responseClasses: [{ condition: { status: { min: 500, max: 599 } }, isFailure: true }],
            isRetryable: true,
            timeout: '300ms',
          },
        ],
        {
          retryBudget: { retryRatio: 0.5, minRetriesPerSecond: 3, ttl: '20s' },
          dstOverrides: [
            { authority: 'web-v2.ns.svc.cluster.local', weight: '500m' },
            { authority: 'web-v1.ns.svc.cluster.local:80', weight: 1 },
          ],
        },
      ),
    });
    await server.atLeast(2, 'the service-namespace profile');
    await env.custom.patchNamespacedCustomObject({
      ...SP,
      namespace: ns,
      name: FQN,
      body: [{ op: 'replace', path: '/spec/routes/0/isRetryable', value: false }],
    });
    await server.atLeast(3, 'the changed profile');
    await env.custom.createNamespacedCustomObject({
      ...SP,
      namespace: 'client-ns',
      body: profile('client-ns', [
        { name: 'any-post', condition: { any: [{ method: 'POST' }, { not: { pathRegex: '/ok' } }] } },
      ]),
    });
    await server.atLeast(4, "the client namespace's profile");
    await env.custom.deleteNamespacedCustomObject({ ...SP, namespace: 'client-ns', name: FQN });
    await server.atLeast(5, 'the service-namespace profile again');
    await env.custom.deleteNamespacedCustomObject({ ...SP, namespace: ns, name: FQN });
    await server.atLeast(6, 'the default profile again');

    const defaults = { retryBudget: BUDGET, fullyQualifiedName: FQN, parentRef: PARENT };
    const booksRoute = (retryable: boolean) => ({
      condition: {
        all: {
          matches: [{ path: { regex: '/books/\\d+' } }, { method: { registered: 'GET' } }],
        },
      },
      responseClasses: [{ condition: { status: { min: 500, max: 599 } }, isFailure: true }],
      metricsLabels: { route: 'GET /books/{id}' },
      ...(retryable ? { isRetryable: true } : {}),
      timeout: { nanos: 300_000_000 },
    });
    const serviceNs = (retryable: boolean) => ({
      routes: [booksRoute(retryable)],
      retryBudget: { retryRatio: 0.5, minRetriesPerSecond: 3, ttl: { seconds: '20' } },
      dstOverrides: [
        { authority: 'web-v2.ns.svc.cluster.local:80', weight: 5000 },
        { authority: 'web-v1.ns.svc.cluster.local:80', weight: 10_000 },
      ],
      fullyQualifiedName: FQN,
      parentRef: PARENT,
      profileRef: spRef(ns),
    });
    expect(server.messages).toEqual([
      defaults,
      serviceNs(true),
      serviceNs(false),
      {
        routes: [
          {
            condition: {
              any: {
                matches: [{ method: { registered: 'POST' } }, { not: { path: { regex: '/ok' } } }],
              },
            },
            metricsLabels: { route: 'any-post' },
          },
        ],
        retryBudget: BUDGET,
        fullyQualifiedName: FQN,
        parentRef: PARENT,
        profileRef: spRef('client-ns'),
      },
      serviceNs(false),
      defaults,
    ]);
  });

  it('serves cluster IPs, opaque ports, ports not on the service, and refuses what it cannot serve', async () => {
    const first = async (path: string, token = '') => {
      const r = env.getProfile(path, token);
      const [m] = await r.atLeast(1);
      r.cancel();
      return m;
    };
    expect(await first('10.96.0.10:80')).toEqual({
      retryBudget: BUDGET,
      fullyQualifiedName: FQN,
      parentRef: PARENT,
    });
    expect(await first(`${FQN}:3306`)).toMatchObject({ opaqueProtocol: true, fullyQualifiedName: FQN });
    expect(await first('tcp.ns.svc.cluster.local:4242')).toMatchObject({ opaqueProtocol: true });
    expect(await first('10.96.0.11:4242')).toMatchObject({ opaqueProtocol: true });
    // Not a port of the service: an empty profile.
    expect(await first(`${FQN}:8080`)).toEqual({});

    const missing = env.getProfile('nope.ns.svc.cluster.local:80');
    expect(await missing.ended()).toMatchObject({ code: 5, details: 'Service nope.ns not found' });
    const outside = env.getProfile('example.com:80');
    expect(await outside.ended()).toMatchObject({ code: 3 });

    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'twin', [{ port: 80 }], { clusterIP: '10.96.0.10' }),
    });
    const shared = env.getProfile('10.96.0.10:80');
    expect(await shared.ended()).toMatchObject({
      code: 9,
      details: 'cluster IP 10.96.0.10 is shared by services ns/twin, ns/web',
    });
    await env.core.deleteNamespacedService({ namespace: ns, name: 'twin' });
  });
});

describe('GetProfile for endpoints', () => {
  const id = 'api.ns.serviceaccount.identity.linkerd.cluster.local';

  it('describes a pod IP as an endpoint, again once the pod runs and when a Server makes the port opaque', async () => {
    await env.core.createNamespacedPod({
      namespace: ns,
      body: pod(ns, 'api-0', {
        ip: '10.6.0.1',
        serviceAccount: 'api',
        labels: { app: 'api' },
        containerPorts: [{ name: 'grpc', containerPort: 9000 }],
      }),
    });
    // The API server ignores the status of a create; the kubelet reports it.
    await env.core.patchNamespacedPodStatus({
      namespace: ns,
      name: 'api-0',
      body: [
        {
          op: 'add',
          path: '/status',
          value: { phase: 'Pending', podIP: '10.6.0.1', podIPs: [{ ip: '10.6.0.1' }] },
        },
      ],
    });
    const r = env.getProfile('10.6.0.1:9000');
    await r.atLeast(1);
    await env.core.patchNamespacedPodStatus({
      namespace: ns,
      name: 'api-0',
      body: [{ op: 'replace', path: '/status/phase', value: 'Running' }],
    });
    await r.atLeast(2);
    await env.custom.createNamespacedCustomObject({
      group: 'policy.linkerd.io',
      version: 'v1beta3',
      plural: 'servers',
      namespace: ns,
      body: {
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: { name: 'api-grpc', namespace: ns },
        spec: {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] },
          port: 'grpc',
          proxyProtocol: 'opaque',
        },
      },
    });
    await r.atLeast(3);
    const labels = { pod: 'api-0', serviceaccount: 'api', control_plane_ns: 'linkerd', namespace: ns };
    const meshed = {
      addr: '10.6.0.1:9000',
      weight: 10_000,
      labels,
      identity: id,
      serverName: id,
      http2: { intervalMs: 10_000, timeoutMs: 3_000, whileIdle: true },
    };
    expect(r.messages).toEqual([
      { retryBudget: BUDGET, endpoint: { addr: '10.6.0.1:9000', weight: 10_000, labels } },
      { retryBudget: BUDGET, endpoint: { ...meshed, hint: 'h2' } },
      {
        retryBudget: BUDGET,
        endpoint: { ...meshed, hint: 'opaque', opaqueTransport: 4143 },
        opaqueProtocol: true,
      },
    ]);
  });

  it('describes pod DNS names and unknown IPs', async () => {
    env.api.store.create(pod(ns, 'db-0', { ip: '10.6.0.2', meshed: false, hostname: 'db-0' }));
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'db', [{ port: 5432 }], { spec: { clusterIP: 'None' } }),
    });
    await env.discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice(ns, 'db', 'db-a', [{ port: 5432 }], [{ ip: '10.6.0.2', pod: 'db-0', hostname: 'db-0' }]),
    });
    const dns = env.getProfile('db-0.db.ns.svc.cluster.local:5432');
    const [byName] = await dns.atLeast(1);
    expect(byName).toEqual({
      retryBudget: BUDGET,
      endpoint: {
        addr: '10.6.0.2:5432',
        weight: 10_000,
        labels: { pod: 'db-0', serviceaccount: 'default', namespace: ns },
      },
      opaqueProtocol: true,
    });
    const unknown = env.getProfile('192.168.7.7:3306');
    const [byIp] = await unknown.atLeast(1);
    expect(byIp).toEqual({
      retryBudget: BUDGET,
      endpoint: { addr: '192.168.7.7:3306', weight: 10_000, labels: {} },
      opaqueProtocol: true,
    });
    const other = env.getProfile('192.168.7.7:8080');
    const [plainIp] = await other.atLeast(1);
    expect(plainIp).toEqual({
      retryBudget: BUDGET,
      endpoint: { addr: '192.168.7.7:8080', weight: 10_000, labels: {} },
    });
  });
});
