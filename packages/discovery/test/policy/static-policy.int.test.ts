import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@skein/core';
import { waitFor } from '@skein/testkit';
import { type Observable as Rx, type Subscription, shareReplay } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InboundPolicy,
  InboundPolicyClient,
  type StaticDiscovery,
  StaticPolicySource,
  watchStaticDiscoveryFile,
} from '../../src/index.js';
import { type RunningPolicyServer, StaticPolicyBackend, servePolicy } from '../../src/server/index.js';
import { type DescribedPolicy, describePolicy } from './support/policy-describe.js';

let dir: string;
let file: string;
let server: RunningPolicyServer;
let client: InboundPolicyClient;
let discovery: Rx<StaticDiscovery>;
const subs: Subscription[] = [];
const logs: string[] = [];
const logger = createLogger({ format: 'json', filter: 'info', destination: { write: (l) => logs.push(l) } });

const mesh = (protocol: string, extra = '') => `
identityTrustDomain: example.org
controlPlaneNamespace: mesh
services:
  - name: web
    namespace: shop
    ports: [{ port: 80, targetPort: 8080 }]
    endpoints: [{ ip: 127.0.0.1, pod: web-0, labels: { app: web } }]
servers:
  - metadata: { name: web, namespace: shop }
    spec: { podSelector: { matchLabels: { app: web } }, port: 8080, proxyProtocol: ${protocol} }
authorizationPolicies:
  - metadata: { name: vote-only, namespace: shop }
    spec:
      targetRef: { group: policy.linkerd.io, kind: Server, name: web }
      requiredAuthenticationRefs: [{ kind: ServiceAccount, name: vote }]
${extra}`;

function record(policies: Observable): { seen: DescribedPolicy[]; done: boolean } {
  const out = { seen: [] as DescribedPolicy[], done: false };
  subs.push(
    policies.subscribe({
      next: (p) => out.seen.push(describePolicy(p)),
      complete: () => {
        out.done = true;
      },
    }),
  );
  return out;
}
type Observable = ReturnType<InboundPolicyClient['watch']>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-static-policy-'));
  file = join(dir, 'mesh.yaml');
  writeFileSync(file, mesh('HTTP/1'));
  // One file watch for the server and the in-process source, so each write is seen once by both.
  discovery = watchStaticDiscoveryFile(file, { intervalMs: 20, logger }).pipe(
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  server = await servePolicy({ backend: new StaticPolicyBackend({ discovery }), address: '127.0.0.1:0' });
  client = new InboundPolicyClient({
    address: `127.0.0.1:${server.port}`,
    workload: '{"ns":"shop","pod":"web-0"}',
  });
});
afterAll(async () => {
  for (const s of subs) s.unsubscribe();
  client.close();
  await server.close(200);
  rmSync(dir, { recursive: true, force: true });
});

const LOCALHOST = {
  ref: '/default/localhost',
  networks: ['127.0.0.1/32', '::1/128'],
  authn: 'unauthenticated',
};
const web = (protocol: string): DescribedPolicy => ({
  protocol,
  server: 'policy.linkerd.io/server/web',
  authz: [
    {
      ref: 'policy.linkerd.io/authorizationpolicy/vote-only',
      networks: ['0.0.0.0/0', '::/0'],
      authn: 'ids=vote.shop.serviceaccount.identity.mesh.example.org;suffixes=',
    },
    LOCALHOST,
  ],
});

describe('policies from a static file', () => {
  it('are served over gRPC and computed in process alike, and follow the file', async () => {
    const remote = record(client.watch(8080));
    const local = record(new StaticPolicySource({ discovery, workload: 'shop:web-0' }).watch(8080));
    const other = record(client.watch(9000));
    await waitFor(() => remote.seen.length === 1 && local.seen.length === 1 && other.seen.length === 1);
    expect(remote.seen).toEqual([web('http1')]);
    expect(local.seen).toEqual(remote.seen);
    expect(other.seen).toEqual([
      {
        protocol: 'detect',
        timeoutMs: 10_000,
        server: '/default/all-unauthenticated',
        authz: [
          { ref: '/default/all-unauthenticated', networks: ['0.0.0.0/0', '::/0'], authn: 'unauthenticated' },
          LOCALHOST,
        ],
      },
    ]);

    const logged = (text: string, count: number) =>
      waitFor(() => logs.filter((l) => l.includes(text)).length === count);
    // A change elsewhere in the file changes nothing for these ports…
    writeFileSync(file, mesh('HTTP/1', 'profiles: []'));
    await logged('discovery file reloaded', 1);
    // …a file that does not parse is skipped…
    writeFileSync(file, `${mesh('HTTP/1')}\nservers: oops`);
    await logged('cannot be used', 1);
    // …and the next real change arrives, on both paths.
    writeFileSync(file, mesh('HTTP/2', 'defaultInboundPolicy: deny'));
    await waitFor(() => remote.seen.length === 2 && local.seen.length === 2 && other.seen.length === 2, {
      timeoutMs: 5000,
    });
    expect(remote.seen[1]).toEqual(web('http2'));
    expect(local.seen).toEqual(remote.seen);
    expect(other.seen[1]).toEqual({
      protocol: 'detect',
      timeoutMs: 10_000,
      server: '/default/deny',
      authz: [LOCALHOST],
    });
    expect([remote.done, local.done, other.done]).toEqual([false, false, false]);
    expect(logs.filter((l) => l.includes('discovery file reloaded'))).toHaveLength(2);
  });

  it('know every workload: one the file does not list gets the default policy', async () => {
    const p: InboundPolicy = await client.getPort(8080);
    expect(describePolicy(p).server).toBe('policy.linkerd.io/server/web');
    const stranger = new InboundPolicyClient({
      address: `127.0.0.1:${server.port}`,
      workload: 'shop:unlisted',
    });
    try {
      expect(describePolicy(await stranger.getPort(8080)).server).toBe('/default/deny');
    } finally {
      stranger.close();
    }
  });
});
