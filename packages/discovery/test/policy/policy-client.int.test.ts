import { Server, ServerCredentials, type ServerWritableStream } from '@grpc/grpc-js';
import { createLogger } from '@skein/core';
import { type inbound, inboundServerPoliciesService } from '@skein/core/proto';
import { waitFor } from '@skein/testkit';
import { of, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DestinationError,
  type InboundPolicy,
  InboundPolicyClient,
  parseStaticDiscovery,
} from '../../src/index.js';
import {
  type PolicyBackend,
  type RunningPolicyServer,
  StaticPolicyBackend,
  servePolicy,
} from '../../src/server/index.js';
import { describePolicy } from './support/policy-describe.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function staticServer(protocol: string, address = '127.0.0.1:0'): Promise<RunningPolicyServer> {
  const d = parseStaticDiscovery(`
servers:
  - metadata: { name: web, namespace: shop }
    spec: { podSelector: {}, port: 8080, proxyProtocol: ${protocol} }
`);
  return servePolicy({ backend: new StaticPolicyBackend({ discovery: d }), address });
}

function client(port: number, workload = 'shop:web-0', logger = createLogger({ filter: 'off' })) {
  const c = new InboundPolicyClient({
    address: `127.0.0.1:${port}`,
    workload,
    backoff: { minMs: 20, maxMs: 100 },
    logger,
  });
  cleanups.push(() => c.close());
  return c;
}

function record(c: InboundPolicyClient, port: number) {
  const out = { policies: [] as InboundPolicy[], done: false, failed: false };
  const sub: Subscription = c.watch(port).subscribe({
    next: (p) => out.policies.push(p),
    error: () => {
      out.failed = true;
    },
    complete: () => {
      out.done = true;
    },
  });
  cleanups.push(() => sub.unsubscribe());
  return out;
}

describe('InboundPolicyClient', () => {
  it('reconnects with backoff and keeps the last policy until the next message', async () => {
    const first = await staticServer('HTTP/1');
    const port = first.port;
    const c = client(port);
    const seen = record(c, 8080);
    await waitFor(() => seen.policies.length === 1);
    expect(seen.policies[0]!.protocol).toBe('http1');

    // The control plane goes away: nothing is emitted, nothing completes.
    await first.close(100);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toMatchObject({ done: false, failed: false });
    expect(seen.policies).toHaveLength(1);

    // It comes back (on the same address) with a different policy: the stream picks it up.
    const second = await staticServer('gRPC', `127.0.0.1:${port}`);
    cleanups.push(() => second.close(100));
    await waitFor(() => seen.policies.length === 2, { timeoutMs: 5000 });
    expect(seen.policies.map((p) => p.protocol)).toEqual(['http1', 'grpc']);
    expect(seen.done).toBe(false);
  });

  it('completes on NotFound, Unimplemented and InvalidArgument, so the proxy keeps its default', async () => {
    const notFound: PolicyBackend = {
      port: () => ({
        key: 'x',
        snapshots: of({ kind: 'notFound' as const, message: 'pod web-0.shop not found' }),
      }),
    };
    const s = await servePolicy({ backend: notFound, address: '127.0.0.1:0' });
    cleanups.push(() => s.close(100));
    const missing = record(client(s.port), 8080);
    const invalid = record(client(s.port, 'no-namespace'), 8080);

    const bare = new Server();
    const barePort = await new Promise<number>((resolve, reject) =>
      bare.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    cleanups.push(() => bare.forceShutdown());
    const unimplemented = record(client(barePort), 8080);

    await waitFor(() => missing.done && invalid.done && unimplemented.done);
    for (const r of [missing, invalid, unimplemented])
      expect(r).toMatchObject({ policies: [], failed: false });

    const err: unknown = await client(s.port)
      .getPort(8080)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DestinationError);
    expect(err).toMatchObject({ status: 5, message: 'pod web-0.shop not found' });
  });

  it('skips and logs a message the proxy could not use, keeping the previous policy', async () => {
    const server = new Server();
    server.addService(inboundServerPoliciesService, {
      getPort: () => {},
      watchPort: (call: ServerWritableStream<inbound.PortSpec, inbound.Server.$Properties>) => {
        call.write({ protocol: { opaque: {} }, labels: { name: 'first' } });
        call.write({ labels: { name: 'no-protocol' } });
        call.write({ protocol: { tls: {} }, labels: { name: 'third' } });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    cleanups.push(() => server.forceShutdown());
    const logs: string[] = [];
    const c = client(
      port,
      'shop:web-0',
      createLogger({ format: 'json', filter: 'warn', destination: { write: (l) => logs.push(l) } }),
    );
    const seen = record(c, 8080);
    await waitFor(() => seen.policies.length === 2);
    expect(seen.policies.map((p) => describePolicy(p).server)).toEqual([
      'policy.linkerd.io/server/first',
      'policy.linkerd.io/server/third',
    ]);
    expect(logs.join('')).toContain('invalid inbound policy: protocol is missing');
  });
});
