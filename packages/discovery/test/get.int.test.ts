import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DescribedAddr, type DestinationEnv, startDestinationEnv } from './support/destination-env.js';
import { pod, type SliceEndpoint, service, slice } from './support/kube-objects.js';

let env: DestinationEnv;
const ns = 'ns';
const identity = (sa: string) => `${sa}.${ns}.serviceaccount.identity.linkerd.cluster.local`;
const HTTP2 = { intervalMs: 10_000, timeoutMs: 3_000, whileIdle: true };

/** The WeightedAddr a meshed pod of Deployment `web` gets on an HTTP port. */
function meshedWeb(ip: string, port: number, name: string): DescribedAddr {
  return {
    addr: `${ip}:${port}`,
    weight: 10_000,
    labels: {
      pod: name,
      deployment: 'web',
      serviceaccount: 'web',
      control_plane_ns: 'linkerd',
      pod_template_hash: 'abc',
    },
    identity: identity('web'),
    serverName: identity('web'),
    hint: 'h2',
    http2: HTTP2,
  };
}

function webPod(
  name: string,
  ip: string,
  extra: Parameters<typeof pod>[2] extends infer O ? Partial<O> : never = {},
) {
  return pod(ns, name, {
    ip,
    serviceAccount: 'web',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    owner: { kind: 'ReplicaSet', name: 'web-abc' },
    ...extra,
  });
}

async function putSlice(
  svc: string,
  name: string,
  endpoints: SliceEndpoint[],
  port = 8080,
  portName = 'http',
) {
  const body = slice(ns, svc, name, [{ name: portName, port }], endpoints);
  try {
    await env.discovery.readNamespacedEndpointSlice({ namespace: ns, name });
    await env.discovery.replaceNamespacedEndpointSlice({ namespace: ns, name, body });
  } catch {
    await env.discovery.createNamespacedEndpointSlice({ namespace: ns, body });
  }
}

const SVC_LABELS = (name: string) => ({ namespace: ns, service: name });

beforeAll(async () => {
  env = await startDestinationEnv();
  env.api.store.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc',
      namespace: ns,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u1', controller: true },
      ],
    },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } },
  });
  for (let i = 1; i <= 4; i++) env.api.store.create(webPod(`web-${i}`, `10.1.0.${i}`));
});
afterAll(() => env.close());

describe('Get', () => {
  it('streams the set, then exact diffs as a service is scaled, emptied, deleted and recreated', async () => {
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'web', [{ port: 80, name: 'http', targetPort: 8080 }]),
    });
    await putSlice('web', 'web-a', [
      { ip: '10.1.0.2', pod: 'web-2' },
      { ip: '10.1.0.1', pod: 'web-1' },
    ]);
    const get = env.get('web.ns.svc.cluster.local:80');
    await get.atLeast(1, 'the initial add');
    // Scale up.
    await putSlice('web', 'web-a', [
      { ip: '10.1.0.1', pod: 'web-1' },
      { ip: '10.1.0.2', pod: 'web-2' },
      { ip: '10.1.0.3', pod: 'web-3' },
    ]);
    await get.atLeast(2, 'the add of web-3');
    // A second slice of the same service.
    await putSlice('web', 'web-b', [{ ip: '10.1.0.4', pod: 'web-4' }]);
    await get.atLeast(3, 'the add of web-4');
    // Scale down.
    await putSlice('web', 'web-a', [{ ip: '10.1.0.3', pod: 'web-3' }]);
    await get.atLeast(4, 'the removal of web-1 and web-2');
    // Empty the service.
    await env.discovery.deleteNamespacedEndpointSlice({ namespace: ns, name: 'web-a' });
    await get.atLeast(5, 'the removal of web-3');
    await env.discovery.deleteNamespacedEndpointSlice({ namespace: ns, name: 'web-b' });
    await get.atLeast(6, 'the removal of the last endpoint');
    // Delete the service, then recreate it with one endpoint.
    await env.core.deleteNamespacedService({ namespace: ns, name: 'web' });
    await get.atLeast(7, 'no_endpoints{exists:false}');
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'web', [{ port: 80, name: 'http', targetPort: 8080 }]),
    });
    await get.atLeast(8, 'no_endpoints{exists:true}');
    await putSlice('web', 'web-a', [{ ip: '10.1.0.1', pod: 'web-1' }]);
    await get.atLeast(9, 'the add after recreation');
    expect(get.messages).toEqual([
      {
        add: [meshedWeb('10.1.0.1', 8080, 'web-1'), meshedWeb('10.1.0.2', 8080, 'web-2')],
        labels: SVC_LABELS('web'),
      },
      { add: [meshedWeb('10.1.0.3', 8080, 'web-3')], labels: SVC_LABELS('web') },
      { add: [meshedWeb('10.1.0.4', 8080, 'web-4')], labels: SVC_LABELS('web') },
      { remove: ['10.1.0.1:8080', '10.1.0.2:8080'] },
      { remove: ['10.1.0.3:8080'] },
      { remove: ['10.1.0.4:8080'] },
      { noEndpoints: { exists: false } },
      // The service exists again, still without endpoints; then its slice arrives.
      { noEndpoints: { exists: true } },
      { add: [meshedWeb('10.1.0.1', 8080, 'web-1')], labels: SVC_LABELS('web') },
    ]);
    expect(get.status).toBeUndefined();
  });

  it('answers NotFound for a missing service and InvalidArgument for IPs, other names and ExternalName', async () => {
    const missing = env.get('nope.ns.svc.cluster.local:80');
    expect(await missing.ended()).toMatchObject({ code: 5, details: 'Service nope.ns not found' });
    expect(missing.messages).toEqual([]);
    for (const path of ['10.1.0.1:8080', 'example.com:80', 'a.b.c.d.ns.svc.cluster.local:80', 'bad path']) {
      const r = env.get(path);
      const status = await r.ended();
      expect(status.code, path).toBe(3);
      expect(r.messages, path).toEqual([]);
    }
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'ext', [{ port: 80 }], {
        spec: { type: 'ExternalName', externalName: 'example.com' },
      }),
    });
    const ext = env.get('ext.ns.svc.cluster.local');
    expect(await ext.ended()).toMatchObject({ code: 3 });
  });

  it('sends no_endpoints{exists:true} first for a service without endpoints, then the endpoints', async () => {
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'empty', [{ port: 80, name: 'http' }]),
    });
    const get = env.get('empty.ns.svc.cluster.local:80');
    await get.atLeast(1);
    await putSlice('empty', 'empty-a', [{ ip: '10.1.0.1', pod: 'web-1' }]);
    await get.atLeast(2);
    expect(get.messages).toEqual([
      { noEndpoints: { exists: true } },
      { add: [meshedWeb('10.1.0.1', 8080, 'web-1')], labels: SVC_LABELS('empty') },
    ]);
  });

  it('follows endpoints becoming unready and ready, and pods appearing after their endpoints', async () => {
    await env.core.createNamespacedService({
      namespace: ns,
      body: service(ns, 'ready', [{ port: 80, name: 'http' }]),
    });
    await putSlice('ready', 'ready-a', [
      { ip: '10.1.0.1', pod: 'web-1' },
      { ip: '10.1.0.9', pod: 'late' },
    ]);
    const get = env.get('ready.ns.svc.cluster.local:80');
    await get.atLeast(1);
    await putSlice('ready', 'ready-a', [
      { ip: '10.1.0.1', pod: 'web-1', ready: false },
      { ip: '10.1.0.9', pod: 'late' },
    ]);
    await get.atLeast(2);
    await putSlice('ready', 'ready-a', [
      { ip: '10.1.0.1', pod: 'web-1', ready: true },
      { ip: '10.1.0.9', pod: 'late' },
    ]);
    await get.atLeast(3);
    // The pod behind 10.1.0.9 shows up: its endpoint is described again, now from the pod.
    await env.core.createNamespacedPod({ namespace: ns, body: webPod('late', '10.1.0.9') });
    await get.atLeast(4);
    expect(get.messages).toEqual([
      {
        add: [meshedWeb('10.1.0.1', 8080, 'web-1'), { addr: '10.1.0.9:8080', weight: 10_000, labels: {} }],
        labels: SVC_LABELS('ready'),
      },
      { remove: ['10.1.0.1:8080'] },
      { add: [meshedWeb('10.1.0.1', 8080, 'web-1')], labels: SVC_LABELS('ready') },
      { add: [meshedWeb('10.1.0.9', 8080, 'late')], labels: SVC_LABELS('ready') },
    ]);
  });
});
