import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DestinationEnv, startDestinationEnv } from './support/destination-env.js';
import { pod, service, slice } from './support/kube-objects.js';

let env: DestinationEnv;
const ns = 'ns';
const id = (sa: string) => `${sa}.${ns}.serviceaccount.identity.linkerd.cluster.local`;
const HTTP2 = { intervalMs: 10_000, timeoutMs: 3_000, whileIdle: true };
const SERVER = { group: 'policy.linkerd.io', version: 'v1beta3', namespace: ns, plural: 'servers' };

beforeAll(async () => {
  env = await startDestinationEnv();
});
afterAll(() => env.close());

describe('Get: how endpoints are described', () => {
  it('hints opaque ports (annotation, default list, Server) with opaque transport, and skips skipped ports', async () => {
    const store = env.api.store;
    store.create(
      pod(ns, 'db-0', {
        ip: '10.2.0.1',
        serviceAccount: 'db',
        labels: { app: 'db' },
        containerPorts: [
          { name: 'sql', containerPort: 3306 },
          { name: 'http', containerPort: 8080 },
        ],
      }),
    );
    store.create(
      pod(ns, 'skip-0', { ip: '10.2.0.2', annotations: { 'config.linkerd.io/skip-inbound-ports': '8080' } }),
    );
    store.create(pod(ns, 'plain-0', { ip: '10.2.0.3', meshed: false }));
    store.create(
      pod(ns, 'other-cp', {
        ip: '10.2.0.4',
        meshed: 'other-linkerd',
        inboundPort: 5143,
        annotations: { 'config.linkerd.io/opaque-ports': '8080' },
      }),
    );
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'db', [
        { port: 3306, name: 'sql' },
        { port: 80, name: 'http' },
      ]),
    });
    await env.discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice(
        ns,
        'db',
        'db-a',
        [
          { name: 'sql', port: 3306 },
          { name: 'http', port: 8080 },
        ],
        [
          { ip: '10.2.0.1', pod: 'db-0' },
          { ip: '10.2.0.2', pod: 'skip-0' },
          { ip: '10.2.0.3', pod: 'plain-0' },
          { ip: '10.2.0.4', pod: 'other-cp' },
        ],
      ),
    });
    const sql = env.get('db.ns.svc.cluster.local:3306');
    const http = env.get('db.ns.svc.cluster.local:80');
    await sql.atLeast(1);
    await http.atLeast(1);
    const labels = (pod: string, sa = 'default', cp = 'linkerd') => ({
      pod,
      serviceaccount: sa,
      control_plane_ns: cp,
    });
    expect(sql.messages[0]).toEqual({
      labels: { namespace: ns, service: 'db' },
      add: [
        {
          addr: '10.2.0.1:3306',
          weight: 10_000,
          labels: labels('db-0', 'db'),
          identity: id('db'),
          serverName: id('db'),
          hint: 'opaque',
          opaqueTransport: 4143,
          http2: HTTP2,
        },
        {
          addr: '10.2.0.2:3306',
          weight: 10_000,
          labels: labels('skip-0'),
          identity: id('default'),
          serverName: id('default'),
          hint: 'opaque',
          opaqueTransport: 4143,
          http2: HTTP2,
        },
        { addr: '10.2.0.3:3306', weight: 10_000, labels: { pod: 'plain-0', serviceaccount: 'default' } },
        // Meshed by another control plane: hints, but no identity from this one.
        {
          addr: '10.2.0.4:3306',
          weight: 10_000,
          labels: labels('other-cp', 'default', 'other-linkerd'),
          hint: 'h2',
          http2: HTTP2,
        },
      ],
    });
    expect(http.messages[0]).toEqual({
      labels: { namespace: ns, service: 'db' },
      add: [
        {
          addr: '10.2.0.1:8080',
          weight: 10_000,
          labels: labels('db-0', 'db'),
          identity: id('db'),
          serverName: id('db'),
          hint: 'h2',
          http2: HTTP2,
        },
        { addr: '10.2.0.2:8080', weight: 10_000, labels: labels('skip-0') },
        { addr: '10.2.0.3:8080', weight: 10_000, labels: { pod: 'plain-0', serviceaccount: 'default' } },
        {
          addr: '10.2.0.4:8080',
          weight: 10_000,
          labels: labels('other-cp', 'default', 'other-linkerd'),
          hint: 'opaque',
          opaqueTransport: 5143,
          http2: HTTP2,
        },
      ],
    });
    // A Server marking db's named port `http` opaque re-describes that endpoint, and only it.
    await env.custom.createNamespacedCustomObject({
      ...SERVER,
      body: {
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: { name: 'db-http', namespace: ns },
        spec: { podSelector: { matchLabels: { app: 'db' } }, port: 'http', proxyProtocol: 'opaque' },
      },
    });
    await http.atLeast(2);
    const opaqueDb = {
      addr: '10.2.0.1:8080',
      weight: 10_000,
      labels: labels('db-0', 'db'),
      identity: id('db'),
      serverName: id('db'),
      hint: 'opaque',
      opaqueTransport: 4143,
      http2: HTTP2,
    };
    expect(http.messages[1]).toEqual({ labels: { namespace: ns, service: 'db' }, add: [opaqueDb] });
    // Deselecting the pod turns it back to H2.
    await env.custom.patchNamespacedCustomObject({
      ...SERVER,
      name: 'db-http',
      body: [{ op: 'replace', path: '/spec/podSelector/matchLabels/app', value: 'none' }],
    });
    await http.atLeast(3);
    expect(http.messages[2]).toEqual({
      labels: { namespace: ns, service: 'db' },
      add: [{ ...opaqueDb, hint: 'h2', opaqueTransport: undefined }].map(
        ({ opaqueTransport: _, ...rest }) => rest,
      ),
    });
    expect(sql.messages).toHaveLength(1);
  });

  it('filters by hostname, node (internalTrafficPolicy: Local) and zone hints, and prefers IPv6', async () => {
    const store = env.api.store;
    store.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-a' } },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-b', labels: { 'topology.kubernetes.io/zone': 'zone-b' } },
    });
    for (const [i, node] of [
      [1, 'node-a'],
      [2, 'node-b'],
      [3, 'node-a'],
    ] as const) {
      store.create(
        pod(ns, `sts-${i}`, {
          ip: `10.3.0.${i}`,
          ips: [`10.3.0.${i}`, `fd00::3:${i}`],
          meshed: false,
          nodeName: node,
          hostname: `sts-${i}`,
        }),
      );
    }
    const eps = (v6: boolean) =>
      [1, 2, 3].map((i) => ({
        ip: v6 ? `fd00::3:${i}` : `10.3.0.${i}`,
        pod: `sts-${i}`,
        hostname: `sts-${i}`,
        nodeName: i === 2 ? 'node-b' : 'node-a',
        zone: i === 2 ? 'zone-b' : 'zone-a',
        hints: [i === 2 ? 'zone-b' : 'zone-a'],
      }));
    const mk = async (name: string, spec: Record<string, unknown> = {}) => {
      await env.core.createNamespacedService({
        namespace: ns,
        body: service(ns, name, [{ port: 80, name: 'http' }], { spec }),
      });
      await env.discovery.createNamespacedEndpointSlice({
        namespace: ns,
        body: slice(ns, name, `${name}-v4`, [{ name: 'http', port: 80 }], eps(false)),
      });
      await env.discovery.createNamespacedEndpointSlice({
        namespace: ns,
        body: slice(ns, name, `${name}-v6`, [{ name: 'http', port: 80 }], eps(true), 'IPv6'),
      });
    };
    await mk('sts');
    await mk('local', { internalTrafficPolicy: 'Local' });
    const addrs = async (path: string, token = '') => {
      const r = env.get(path, token);
      const [first] = await r.atLeast(1);
      r.cancel();
      return 'add' in first!
        ? first.add.map((a) => `${a.addr} ${a.labels.zone}/${a.labels.zone_locality ?? '-'}`)
        : first;
    };
    const fromA = JSON.stringify({ ns: 'client-ns', nodeName: 'node-a' });
    // Topology hints: every endpoint has them, so a client in zone-a gets zone-a endpoints.
    expect(await addrs('sts.ns.svc.cluster.local', fromA)).toEqual([
      '[fd00::3:1]:80 zone-a/local',
      '[fd00::3:3]:80 zone-a/local',
    ]);
    // Without a known node, every endpoint, with no locality.
    expect(await addrs('sts.ns.svc.cluster.local')).toEqual([
      '[fd00::3:1]:80 zone-a/-',
      '[fd00::3:2]:80 zone-b/-',
      '[fd00::3:3]:80 zone-a/-',
    ]);
    expect(await addrs('sts-2.sts.ns.svc.cluster.local:80', fromA)).toEqual(['[fd00::3:2]:80 zone-b/remote']);
    expect(await addrs('local.ns.svc.cluster.local', JSON.stringify({ nodeName: 'node-b' }))).toEqual([
      '[fd00::3:2]:80 zone-b/local',
    ]);
    expect(await addrs('local.ns.svc.cluster.local')).toEqual({ noEndpoints: { exists: true } });
  });

  it('resolves a named targetPort through the pod when the slice does not name the port', async () => {
    env.api.store.create(
      pod(ns, 'named-0', {
        ip: '10.4.0.1',
        meshed: false,
        containerPorts: [{ name: 'web', containerPort: 9090 }],
      }),
    );
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'named', [{ port: 80, name: 'http', targetPort: 'web' }]),
    });
    await env.discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice(ns, 'named', 'named-a', [], [{ ip: '10.4.0.1', pod: 'named-0' }]),
    });
    const r = env.get('named.ns.svc.cluster.local:80');
    const [first] = await r.atLeast(1);
    expect(first).toMatchObject({ add: [{ addr: '10.4.0.1:9090' }] });
  });
});
