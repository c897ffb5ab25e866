import * as grpc from '@grpc/grpc-js';
import type { EndpointUpdate } from '@skein/core';
import { createLogger } from '@skein/core';
import { destinationService } from '@skein/core/proto';
import { waitFor } from '@skein/testkit';
import { BehaviorSubject, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DestinationClient,
  type DiscoveredEndpoint,
  type DiscoveredProfile,
  parseStaticDiscovery,
  type StaticDiscovery,
} from '../src/index.js';
import {
  type DestinationBackend,
  type RunningDestinationServer,
  StaticDestinationBackend,
  serveDestination,
} from '../src/server/index.js';

const AUTHORITY = 'web.ns.svc.cluster.local:80';
const file = (ips: string[]) =>
  parseStaticDiscovery(`
authorities:
  ${AUTHORITY}:
    labels: { namespace: ns, service: web }
    endpoints:
${ips.map((ip) => `      - { address: "${ip}:8080", labels: { pod: p${ip.split('.').pop()} }, identity: web.ns.serviceaccount.identity.linkerd.cluster.local, protocolHint: h2 }`).join('\n')}
`);

/** Counts backend calls, so tests can see whether the client retried. */
function counting(backend: DestinationBackend) {
  const calls = { get: 0, profile: 0 };
  const wrapped: DestinationBackend = {
    endpoints: (t, c) => {
      calls.get++;
      return backend.endpoints(t, c);
    },
    profile: (t, c) => {
      calls.profile++;
      return backend.profile(t, c);
    },
  };
  return { wrapped, calls };
}

let server: RunningDestinationServer | undefined;
let client: DestinationClient | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  sub?.unsubscribe();
  client?.close();
  await server?.close(100);
});

function summary(u: EndpointUpdate<DiscoveredEndpoint>): string {
  if (u.type === 'doesNotExist') return 'doesNotExist';
  if (u.type === 'remove') return `remove ${u.keys.join(',')}`;
  return `${u.type} ${u.endpoints.map((e) => e.address).join(',')}`;
}

describe('DestinationClient.endpoints', () => {
  it('starts with a reset, maps add/remove, and converts addresses to DiscoveredEndpoints', async () => {
    const state = new BehaviorSubject<StaticDiscovery>(file(['10.0.0.1', '10.0.0.2']));
    server = await serveDestination({
      backend: new StaticDestinationBackend({ discovery: state }),
      address: '127.0.0.1:0',
    });
    client = new DestinationClient({ address: `127.0.0.1:${server.port}` });
    const seen: EndpointUpdate<DiscoveredEndpoint>[] = [];
    sub = client.endpoints(AUTHORITY).subscribe((u) => seen.push(u));
    await waitFor(() => seen.length === 1);
    state.next(file(['10.0.0.2', '10.0.0.3']));
    await waitFor(() => seen.length === 3);
    expect(seen.map(summary)).toEqual([
      'reset 10.0.0.1:8080,10.0.0.2:8080',
      'add 10.0.0.3:8080',
      'remove 10.0.0.1:8080',
    ]);
    expect((seen[0] as { endpoints: readonly DiscoveredEndpoint[] }).endpoints[0]).toEqual({
      address: '10.0.0.1:8080',
      ip: '10.0.0.1',
      port: 8080,
      weight: 10_000,
      labels: { namespace: 'ns', service: 'web', pod: 'p1' },
      identity: {
        name: 'web.ns.serviceaccount.identity.linkerd.cluster.local',
        serverName: 'web.ns.serviceaccount.identity.linkerd.cluster.local',
      },
      protocolHint: 'h2',
    });
  });

  it('keeps the last endpoints while the server is away and replaces them with the first message after', async () => {
    const state = new BehaviorSubject<StaticDiscovery>(file(['10.0.0.1', '10.0.0.2']));
    server = await serveDestination({
      backend: new StaticDestinationBackend({ discovery: state }),
      address: '127.0.0.1:0',
    });
    const port = server.port;
    client = new DestinationClient({ address: `127.0.0.1:${port}`, backoff: { minMs: 20, maxMs: 100 } });
    const seen: string[] = [];
    sub = client.endpoints(AUTHORITY).subscribe((u) => seen.push(summary(u)));
    await waitFor(() => seen.length === 1);
    await server.close(100);
    // Nothing is emitted while the server is gone: the balancer keeps its endpoints.
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['reset 10.0.0.1:8080,10.0.0.2:8080']);
    state.next(file(['10.0.0.2', '10.0.0.3']));
    server = await serveDestination({
      backend: new StaticDestinationBackend({ discovery: state }),
      address: `127.0.0.1:${port}`,
    });
    await waitFor(() => seen.length === 2, { what: 'the first message after the reconnect' });
    expect(seen).toEqual(['reset 10.0.0.1:8080,10.0.0.2:8080', 'reset 10.0.0.2:8080,10.0.0.3:8080']);
  });

  it('says doesNotExist on NotFound and keeps asking, so it sees the service appear', async () => {
    const state = new BehaviorSubject<StaticDiscovery>(parseStaticDiscovery(''));
    const { wrapped, calls } = counting(new StaticDestinationBackend({ discovery: state }));
    server = await serveDestination({ backend: wrapped, address: '127.0.0.1:0' });
    client = new DestinationClient({
      address: `127.0.0.1:${server.port}`,
      backoff: { minMs: 20, maxMs: 50 },
    });
    const seen: string[] = [];
    sub = client.resolve({ authority: AUTHORITY }).subscribe((u) => seen.push(summary(u)));
    await waitFor(() => calls.get >= 3, { what: 'retries after NotFound' });
    expect(seen).toEqual(['doesNotExist']);
    state.next(file(['10.0.0.9']));
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['doesNotExist', 'reset 10.0.0.9:8080']);
  });

  it('says doesNotExist on InvalidArgument and never retries', async () => {
    const { wrapped, calls } = counting(
      new StaticDestinationBackend({ discovery: parseStaticDiscovery('') }),
    );
    server = await serveDestination({ backend: wrapped, address: '127.0.0.1:0' });
    client = new DestinationClient({
      address: `127.0.0.1:${server.port}`,
      backoff: { minMs: 10, maxMs: 10 },
    });
    const seen: string[] = [];
    sub = client.endpoints('10.1.2.3:80').subscribe((u) => seen.push(summary(u)));
    await waitFor(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual(['doesNotExist']);
    expect(calls.get).toBe(1);
  });
});

describe('DestinationClient.profiles', () => {
  it('converts profiles, and reports no profile for unknown names', async () => {
    const discovery = parseStaticDiscovery(`
services:
  - name: web
    namespace: ns
    ports: [80]
profiles:
  - apiVersion: linkerd.io/v1alpha2
    kind: ServiceProfile
    metadata: { name: web.ns.svc.cluster.local, namespace: ns }
    spec:
      routes:
        - name: books
          condition: { pathRegex: "/books/[0-9]+", method: GET }
          isRetryable: true
          timeout: 250ms
          responseClasses: [{ condition: { status: { min: 404, max: 404 } }, isFailure: true }]
`);
    server = await serveDestination({
      backend: new StaticDestinationBackend({ discovery }),
      address: '127.0.0.1:0',
    });
    client = new DestinationClient({ address: `127.0.0.1:${server.port}` });
    const seen: Array<DiscoveredProfile | undefined> = [];
    sub = client.profiles(AUTHORITY).subscribe((p) => seen.push(p));
    const missing: Array<DiscoveredProfile | undefined> = [];
    const sub2 = client.profiles('nope.ns.svc.cluster.local:80').subscribe((p) => missing.push(p));
    await waitFor(() => seen.length === 1 && missing.length === 1);
    sub2.unsubscribe();
    expect(missing).toEqual([undefined]);
    const p = seen[0]!;
    expect(p.fullyQualifiedName).toBe('web.ns.svc.cluster.local');
    expect(p.hasRouting).toBe(true);
    expect(p.retryBudget).toEqual({
      retryRatio: expect.closeTo(0.2, 6),
      minRetriesPerSecond: 10,
      ttlMs: 10_000,
    });
    expect(p.routes.map((r) => [r.name, r.isRetryable, r.timeoutMs, r.isDefault])).toEqual([
      ['books', true, 250, false],
      ['', false, undefined, true],
    ]);
    expect(p.routes[0]!.condition).toEqual({ all: [{ path: /^\/books\/[0-9]+$/ }, { method: 'GET' }] });
    expect(p.routes[0]!.responseClasses).toEqual([
      { condition: { status: { min: 404, max: 404 } }, isFailure: true },
    ]);
  });
});

describe('DestinationClient against a misbehaving server', () => {
  it('skips an address it cannot use, keeps the others, and keeps the process alive', async () => {
    const raw = new grpc.Server();
    raw.addService(destinationService as unknown as grpc.ServiceDefinition, {
      get: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        // An address without an IP next to a good one.
        call.write({
          add: {
            addrs: [{ weight: 1 }, { addr: { ip: { ipv4: 0x0a000001 }, port: 8080 }, weight: 1 }],
          },
        });
      },
      getProfile: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
    });
    const port = await new Promise<number>((resolve, reject) =>
      raw.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const warnings: string[] = [];
    const logger = createLogger({
      format: 'json',
      filter: 'warn',
      destination: { write: (l: string) => warnings.push(l) },
    });
    client = new DestinationClient({ address: `127.0.0.1:${port}`, logger });
    const seen: string[] = [];
    sub = client.endpoints(AUTHORITY).subscribe((u) => seen.push(summary(u)));
    try {
      await waitFor(() => seen.length > 0);
      expect(seen).toEqual(['reset 10.0.0.1:8080']);
      expect(warnings.join('')).toMatch(/unusable address; skipped/);
    } finally {
      raw.forceShutdown();
    }
  });
});
