import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProxyConfig, SkeinProxy } from '@skein/proxy';
import { startTapServer, type TapServer } from '@skein/tap';

/**
 * A meshed demo on loopback for the CLI's end-to-end tests: the client pod's real SkeinProxy
 * (with a tap server on its hub, as the proxy will start it) in front of `web` (always 200) and
 * `api` (every 10th request fails with 500), and an inventory file describing the pods.
 */
export interface LoopbackMesh {
  readonly dir: string;
  readonly inventoryFile: string;
  readonly proxy: SkeinProxy;
  load(n: number): Promise<void>;
  close(): Promise<void>;
}

async function backend(failEvery: number): Promise<{ server: http.Server; port: number }> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n++;
    if (failEvery > 0 && n % failEvery === 0) res.writeHead(500).end('boom');
    else res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, host: string, path: string, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host }, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function startLoopbackMesh(): Promise<LoopbackMesh> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-cli-e2e-'));
  const web = await backend(0);
  const api = await backend(10);
  const discoveryFile = join(dir, 'discovery.yaml');
  writeFileSync(
    discoveryFile,
    `authorities:
  web.demo.svc.cluster.local:80:
    labels: { namespace: demo, service: web }
    endpoints: [{ address: "127.0.0.1:${web.port}", labels: { pod: web-0, deployment: web } }]
  api.demo.svc.cluster.local:80:
    labels: { namespace: demo, service: api }
    endpoints: [{ address: "127.0.0.1:${api.port}", labels: { pod: api-0, deployment: api } }]
`,
  );
  const proxy = await SkeinProxy.start({
    config: readProxyConfig({
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
      SKEIN_PROXY_DISCOVERY_FILE: discoveryFile,
    }),
  });
  const tap: TapServer = await startTapServer({ hub: proxy.tap, listen: { host: '127.0.0.1', port: 0 } });
  const inventoryFile = join(dir, 'inventory.yaml');
  writeFileSync(
    inventoryFile,
    `pods:
  - { name: client-0, namespace: demo, ip: 127.0.0.1, owner: deployment/client, serviceAccount: client, proxy: { admin: "127.0.0.1:${proxy.addresses.admin.port}", tap: "127.0.0.1:${tap.address.port}" } }
  - { name: web-0, namespace: demo, ip: 127.0.0.1, owner: deployment/web, serviceAccount: web }
  - { name: api-0, namespace: demo, ip: 127.0.0.1, owner: deployment/api, serviceAccount: api }
services:
  - { name: web, namespace: demo, ports: [80], pods: [web-0] }
  - { name: api, namespace: demo, ports: [80], pods: [api-0] }
`,
  );
  const outbound = proxy.addresses.outbound[0]!.port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  return {
    dir,
    inventoryFile,
    proxy,
    async load(n) {
      for (let i = 0; i < n; i++) {
        await Promise.all([
          get(outbound, 'web.demo.svc.cluster.local', `/web/${i % 2}`, agent),
          get(outbound, 'api.demo.svc.cluster.local', '/api/vote', agent),
        ]);
      }
    },
    async close() {
      agent.destroy();
      await tap.close();
      await proxy.shutdown(500);
      web.server.close();
      api.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
