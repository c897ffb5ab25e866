import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStaticDiscovery } from '@skein/discovery';
import { readProxyConfig, SkeinProxy } from '@skein/proxy';
import { startTapServer, type TapServer } from '@skein/tap';
import { parseStaticInventory, type StaticInventory } from '../../src/index.js';

/** A small meshed demo on loopback: a client pod's SkeinProxy in front of web (2 pods) and api (fails 10%). */
export interface DemoMesh {
  readonly dir: string;
  readonly proxy: SkeinProxy;
  readonly tap: TapServer;
  readonly inventory: StaticInventory;
  readonly inventoryFile: string;
  readonly adminAddress: string;
  /** Sends `n` requests to each of web and api through the client proxy. */
  load(n: number): Promise<{ web: number[]; api: number[] }>;
  close(): Promise<void>;
}

async function backend(name: string, failEvery: number): Promise<{ server: http.Server; port: number }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    n++;
    if (failEvery > 0 && n % failEvery === 0) {
      res.writeHead(500).end('boom');
      return;
    }
    res.setHeader('x-backend', name);
    res.end(`hello from ${name} ${req.url}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, host: string, path: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function startDemoMesh(): Promise<DemoMesh> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-controller-e2e-'));
  const web0 = await backend('web-0', 0);
  const web1 = await backend('web-1', 0);
  const api0 = await backend('api-0', 10);
  const discoveryFile = join(dir, 'discovery.yaml');
  const ep = (port: number, pod: string, deployment: string) =>
    `      - { address: "127.0.0.1:${port}", labels: { pod: ${pod}, deployment: ${deployment}, serviceaccount: ${deployment} } }`;
  writeFileSync(
    discoveryFile,
    [
      'authorities:',
      '  web.demo.svc.cluster.local:80:',
      '    labels: { namespace: demo, service: web }',
      '    endpoints:',
      ep(web0.port, 'web-0', 'web'),
      ep(web1.port, 'web-1', 'web'),
      '  api.demo.svc.cluster.local:80:',
      '    labels: { namespace: demo, service: api }',
      '    endpoints:',
      ep(api0.port, 'api-0', 'api'),
      'profiles:',
      '  - apiVersion: linkerd.io/v1alpha2',
      '    kind: ServiceProfile',
      '    metadata: { name: api.demo.svc.cluster.local, namespace: demo }',
      '    spec:',
      '      routes:',
      '        - { name: vote, condition: { method: GET, pathRegex: /api/vote } }',
      '        - { name: results, condition: { method: GET, pathRegex: /api/results } }',
      '',
    ].join('\n'),
  );
  const proxy = await SkeinProxy.start({
    config: readProxyConfig({
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
      SKEIN_PROXY_DISCOVERY_FILE: discoveryFile,
    }),
  });
  // What the lead will wire into SkeinProxy from LINKERD2_PROXY_CONTROL_LISTEN_ADDR.
  const tap = await startTapServer({ hub: proxy.tap, listen: { host: '127.0.0.1', port: 0 } });
  const adminAddress = `127.0.0.1:${proxy.addresses.admin.port}`;
  const inventoryFile = join(dir, 'inventory.yaml');
  writeFileSync(
    inventoryFile,
    [
      'pods:',
      `  - { name: client-0, namespace: demo, ip: 127.0.0.1, owner: deployment/client, serviceAccount: client, proxy: { admin: "${adminAddress}", tap: "127.0.0.1:${tap.address.port}" } }`,
      '  - { name: web-0, namespace: demo, ip: 127.0.0.1, owner: deployment/web, serviceAccount: web, labels: { app: web } }',
      '  - { name: web-1, namespace: demo, ip: 127.0.0.1, owner: deployment/web, serviceAccount: web, labels: { app: web } }',
      '  - { name: api-0, namespace: demo, ip: 127.0.0.1, owner: deployment/api, serviceAccount: api, labels: { app: api } }',
      'services:',
      '  - { name: web, namespace: demo, ports: [80], selector: { app: web } }',
      '  - { name: api, namespace: demo, ports: [80], pods: [api-0] }',
      '',
    ].join('\n'),
  );
  const inventory = parseStaticInventory(
    readFileSync(inventoryFile, 'utf8'),
    inventoryFile,
    parseStaticDiscovery(readFileSync(discoveryFile, 'utf8'), discoveryFile),
  );
  const outbound = proxy.addresses.outbound[0]!.port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    dir,
    proxy,
    tap,
    inventory,
    inventoryFile,
    adminAddress,
    async load(n) {
      const web: number[] = [];
      const api: number[] = [];
      for (let i = 0; i < n; i++) {
        const [w, a] = await Promise.all([
          get(outbound, 'web.demo.svc.cluster.local', `/web/${i % 3}`, agent),
          get(outbound, 'api.demo.svc.cluster.local', `/api/vote?i=${i}`, agent),
        ]);
        web.push(w);
        api.push(a);
      }
      return { web, api };
    },
    async close() {
      agent.destroy();
      await tap.close();
      await proxy.shutdown(500);
      for (const b of [web0, web1, api0]) b.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
