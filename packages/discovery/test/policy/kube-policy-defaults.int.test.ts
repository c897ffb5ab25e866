import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { InboundServerPoliciesClient, inbound } from '@skein/core/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundPolicyFromServer } from '../../src/index.js';
import { describePolicy, describeServer } from './support/policy-describe.js';
import { type PolicyEnv, policyTestPod, resource, startPolicyEnv } from './support/policy-env.js';

let env: PolicyEnv;
const CLUSTER = ['10.0.0.0/8', 'fd00::/8'];

beforeAll(async () => {
  // The controller's default is cluster-authenticated here, to tell it from the pods' own.
  env = await startPolicyEnv({
    clusterNetworks: '10.0.0.0/8,fd00::/8',
    defaultPolicy: 'cluster-authenticated',
  });
  const pods = [
    policyTestPod('shop', 'plain', { labels: { app: 'plain' } }),
    policyTestPod('shop', 'annotated', {
      labels: { app: 'db' },
      annotations: {
        'config.linkerd.io/default-inbound-policy': 'deny',
        'config.linkerd.io/opaque-ports': '3306,5000-5010',
      },
    }),
    policyTestPod('shop', 'strict', {
      labels: { app: 'strict' },
      annotations: {
        'config.linkerd.io/default-inbound-policy': 'all-unauthenticated',
        'config.linkerd.io/proxy-require-identity-inbound-ports': '9090',
      },
    }),
    policyTestPod('shop', 'api', {
      labels: { app: 'api', tier: 'back' },
      containers: [{ ports: [{ name: 'grpc', port: 7000 }] }, { ports: [{ name: 'grpc', port: 7001 }] }],
    }),
  ];
  for (const body of pods) await env.core.createNamespacedPod({ namespace: 'shop', body });
});
afterAll(() => env.close());

function getPort(workload: string, port: number): Promise<inbound.Server> {
  return new Promise((resolve, reject) => {
    env.grpc.getPort({ workload, port }, (err: ServiceError | null, msg?: inbound.Server) =>
      err === null ? resolve(msg!) : reject(err),
    );
  });
}

const wire = async (workload: string, port: number) => {
  const { labelsMatchMetadata: _, ...d } = describeServer(await getPort(workload, port));
  return d;
};

describe('the default policy of ports no Server selects', () => {
  it("uses the server's default, built as Linkerd does (any identity as the empty suffix)", async () => {
    expect(await wire('shop:plain', 8080)).toEqual({
      protocol: 'detect',
      timeoutMs: 10_000,
      server: '/default/cluster-authenticated',
      authz: [{ ref: '/default/cluster-authenticated', networks: CLUSTER, authn: 'any-identity' }],
    });
  });

  it("prefers the pod's annotation, and its opaque ports are opaque", async () => {
    expect(await wire('shop:annotated', 3306)).toEqual({
      protocol: 'opaque',
      server: '/default/deny',
      authz: [],
    });
    expect(await wire('shop:annotated', 5005)).toMatchObject({ protocol: 'opaque' });
    expect(await wire('shop:annotated', 8080)).toEqual({
      protocol: 'detect',
      timeoutMs: 10_000,
      server: '/default/deny',
      authz: [],
    });
  });

  it('requires an identity on the require-identity ports', async () => {
    expect(await wire('shop:strict', 9090)).toEqual({
      protocol: 'detect',
      timeoutMs: 10_000,
      server: '/default/all-authenticated',
      authz: [{ ref: '/default/all-authenticated', networks: ['0.0.0.0/0', '::/0'], authn: 'any-identity' }],
    });
    expect((await wire('shop:strict', 9091)).server).toBe('/default/all-unauthenticated');
  });
});

describe('Servers', () => {
  it('select every port a name stands for, and take ServerAuthorizations and accessPolicy', async () => {
    await env.apply(
      'servers',
      resource(
        'servers',
        'Server',
        'shop',
        'api-grpc',
        {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
          port: 'grpc',
          proxyProtocol: 'gRPC',
          accessPolicy: 'audit',
        },
        { team: 'payments' },
      ),
    );
    await env.apply(
      'serverauthorizations',
      resource('serverauthorizations', 'ServerAuthorization', 'shop', 'payments-clients', {
        server: { selector: { matchLabels: { team: 'payments' } } },
        client: {
          meshTLS: { serviceAccounts: [{ name: 'checkout' }, { name: 'cron', namespace: 'other' }] },
        },
      }),
    );
    const watch = env.watch('shop:api', 7001);
    const expected = {
      protocol: 'grpc',
      server: 'policy.linkerd.io/server/api-grpc',
      authz: [
        {
          ref: 'policy.linkerd.io/serverauthorization/payments-clients',
          networks: CLUSTER,
          authn:
            'ids=checkout.shop.serviceaccount.identity.linkerd.cluster.local,cron.other.serviceaccount.identity.linkerd.cluster.local;suffixes=',
        },
        { ref: '/default/audit', networks: ['0.0.0.0/0', '::/0'], authn: 'unauthenticated' },
      ],
    };
    expect(await watch.atLeast(1)).toEqual([expected]);
    expect(await wire('shop:api', 7000)).toEqual(expected);

    // The client reads the audit authorization as an audit policy.
    const policy = inboundPolicyFromServer(await getPort('shop:api', 7000));
    expect(describePolicy(policy)).toMatchObject({
      audit: true,
      server: 'policy.linkerd.io/server/api-grpc',
    });

    // Opaque Servers make the port opaque; an unselected port keeps the default.
    await env.apply(
      'servers',
      resource('servers', 'Server', 'shop', 'api-grpc', {
        podSelector: { matchLabels: { app: 'api' } },
        port: 7000,
        proxyProtocol: 'opaque',
      }),
    );
    const [, changed] = await watch.atLeast(2);
    expect(changed).toEqual({
      protocol: 'detect',
      timeoutMs: 10_000,
      server: '/default/cluster-authenticated',
      authz: [expect.anything()],
    });
    expect(await wire('shop:api', 7000)).toMatchObject({
      protocol: 'opaque',
      server: 'policy.linkerd.io/server/api-grpc',
    });
  });

  it('ignores resources that do not read, and logs them', async () => {
    await env.apply(
      'servers',
      resource('servers', 'Server', 'shop', 'broken', {
        podSelector: { matchLabels: { app: 'plain' } },
        port: 8080,
        proxyProtocol: 'HTTP/9',
      }),
    );
    // A valid Server created afterwards is served, so the broken one was read (and refused) first.
    await env.apply(
      'servers',
      resource('servers', 'Server', 'shop', 'plain-tls', {
        podSelector: { matchLabels: { app: 'plain' } },
        port: 8443,
        proxyProtocol: 'TLS',
      }),
    );
    const tls = env.watch('shop:plain', 8443);
    expect(await tls.atLeast(1)).toMatchObject([
      { protocol: 'tls', server: 'policy.linkerd.io/server/plain-tls' },
    ]);
    expect((await wire('shop:plain', 8080)).server).toBe('/default/cluster-authenticated');
    expect(env.cluster.counts().servers).toBe(2);
    expect(env.logs.join('')).toContain('Server shop/broken: spec.proxyProtocol=\\"HTTP/9\\"');
  });
});

describe('bad requests', () => {
  const fails = async (workload: string, port: number) => {
    const err = await getPort(workload, port).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    return { code: err?.code, details: err?.details };
  };

  it('answers NotFound for unknown pods and InvalidArgument for unreadable workloads and ports', async () => {
    expect(await fails('shop:nobody', 80)).toEqual({
      code: status.NOT_FOUND,
      details: 'pod nobody.shop not found',
    });
    expect(await fails('{"ns":"shop","external_workload":"vm-1"}', 80)).toMatchObject({
      code: status.NOT_FOUND,
    });
    expect(await fails('nonsense', 80)).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('Invalid workload: nonsense'),
    });
    expect(await fails('{"ns":"shop"}', 80)).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(await fails('shop:plain', 0)).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'Invalid port: 0',
    });
    expect(await fails('shop:plain', 70000)).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'Invalid port: 70000',
    });
    const stream = env.watch('shop:nobody', 80);
    expect((await stream.ended()).code).toBe(status.NOT_FOUND);
  });

  it('counts streams and errors on its registry', async () => {
    const text = await env.registry.metrics();
    expect(text).toMatch(/skein_policy_errors_total\{method="GetPort",code="5"\} [1-9]/);
    expect(text).toMatch(/skein_policy_errors_total\{method="WatchPort",code="5"\} 1/);
    expect(text).toMatch(/skein_policy_messages_total\{method="WatchPort"\} [1-9]/);
    expect(text).toContain('skein_policy_watch_failures_total');
  });
});

describe('an unrelated client', () => {
  it('sees the same bytes through a second connection', async () => {
    const c = new InboundServerPoliciesClient(`127.0.0.1:${env.server.port}`, credentials.createInsecure());
    try {
      const a = await getPort('shop:plain', 8080);
      const b = await new Promise<inbound.Server>((resolve, reject) =>
        c.getPort(
          { workload: '{"ns":"shop","pod":"plain"}', port: 8080 },
          (e: ServiceError | null, m?: inbound.Server) => (e === null ? resolve(m!) : reject(e)),
        ),
      );
      expect(inbound.Server.encode(b).finish()).toEqual(inbound.Server.encode(a).finish());
    } finally {
      c.close();
    }
  });
});
