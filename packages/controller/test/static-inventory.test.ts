import { parseStaticDiscovery } from '@skein/discovery';
import { describe, expect, it } from 'vitest';
import { InventoryError, listResources, parseStaticInventory, podResourceLabels } from '../src/index.js';

describe('parseStaticInventory', () => {
  it('reads pods, proxies and services (by selector or pod list)', async () => {
    const inv = parseStaticInventory(`
pods:
  - { name: web-0, namespace: demo, ip: 127.0.0.2, owner: deployment/web, serviceAccount: web, labels: { app: web }, proxy: { admin: "127.0.0.1:4191", tap: "127.0.0.1:4190" } }
  - { name: db-0, namespace: demo, ip: 127.0.0.3, owner: statefulset/db }
services:
  - { name: web, namespace: demo, ports: [80], selector: { app: web } }
  - { name: db, namespace: demo, ports: [5432], pods: [db-0] }
`);
    const pods = await inv.pods('demo');
    expect(pods[0]).toMatchObject({
      meshed: true,
      tapEnabled: true,
      proxy: { adminAddress: '127.0.0.1:4191', tapAddress: '127.0.0.1:4190' },
    });
    expect(podResourceLabels(pods[0]!)).toEqual({
      namespace: 'demo',
      pod: 'web-0',
      deployment: 'web',
      serviceaccount: 'web',
    });
    expect(pods[1]).toMatchObject({
      meshed: false,
      serviceAccount: 'default',
      owner: { kind: 'statefulset', name: 'db' },
    });
    const services = await listResources(inv, 'service', 'demo');
    expect(services.map((s) => [s.name, s.pods.map((p) => p.name)])).toEqual([
      ['web', ['web-0']],
      ['db', ['db-0']],
    ]);
    expect(await inv.namespaces()).toEqual(['demo']);
  });

  it('adds services, pods and profiles of a static discovery file', async () => {
    const discovery = parseStaticDiscovery(`
services:
  - name: api
    namespace: demo
    ports: [80]
    endpoints:
      - { ip: 127.0.0.5, pod: api-0, serviceAccount: api, meshed: true, labels: { deployment: api } }
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: api.demo.svc.cluster.local, namespace: demo }
    spec: { routes: [{ name: vote, condition: { method: POST, pathRegex: /vote } }] }
`);
    const inv = parseStaticInventory('pods: []', 'inv', discovery);
    expect((await inv.pods())[0]).toMatchObject({
      name: 'api-0',
      meshed: true,
      owner: { kind: 'deployment', name: 'api' },
    });
    expect(await inv.profiles('demo')).toEqual([
      { namespace: 'demo', name: 'api.demo.svc.cluster.local', routes: ['vote'] },
    ]);
    expect((await inv.services())[0]).toMatchObject({ fqdn: 'api.demo.svc.cluster.local', pods: ['api-0'] });
  });

  it('names the field, the value and the expected form of a mistake', () => {
    const bad = (text: string) => () => parseStaticInventory(text, 'inv.yaml');
    expect(bad('pods: [{ name: a }]')).toThrow(InventoryError);
    expect(bad('pods: [{ name: a }]')).toThrow(
      'inv.yaml: pods[0].ip: expected a non-empty string, got undefined',
    );
    expect(bad('pods: [{ name: a, ip: 1.2.3.4, owner: web }]')).toThrow(
      /pods\[0\]\.owner: expected kind\/name/,
    );
    expect(bad('pods: [{ name: a, ip: 1.2.3.4, proxy: { tap: x } }]')).toThrow(/pods\[0\]\.proxy\.admin/);
    expect(bad('services: [{ name: s, ports: [0] }]')).toThrow(
      /services\[0\]\.ports: expected a list of ports/,
    );
    expect(bad('pod: []')).toThrow(/inv\.yaml: pod: expected one of pods, services, clusterDomain/);
    expect(bad('pods: [')).toThrow(/inv\.yaml: not YAML or JSON/);
  });
});
