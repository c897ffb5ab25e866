import { networkInterfaces } from 'node:os';
import { credentials, Metadata, ServerCredentials, type ServiceError, status } from '@grpc/grpc-js';
import { type Decoded, longToNumber, TapClient, type tap } from '@skein/core/proto';
import { selfSignedCertificate } from '@skein/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startTapServer, TapHub, type TapServer } from '../src/index.js';
import { tapRequest } from './support/tap-request.js';

type TapEvent = Decoded<typeof tap.TapEvent>;

const servers: TapServer[] = [];
const clients: TapClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(hub: TapHub, extra: Partial<Parameters<typeof startTapServer>[0]> = {}) {
  const server = await startTapServer({ hub, listen: { host: '127.0.0.1', port: 0 }, ...extra });
  servers.push(server);
  return server;
}

function client(target: string, creds = credentials.createInsecure(), options = {}): TapClient {
  const c = new TapClient(target, creds, options);
  clients.push(c);
  return c;
}

/** Collects a call's events until it ends; rejects with the gRPC error. */
function observe(c: TapClient, request: object): { events: TapEvent[]; done: Promise<TapEvent[]> } {
  const events: TapEvent[] = [];
  const call = c.observe(request, new Metadata());
  const done = new Promise<TapEvent[]>((resolve, reject) => {
    call.on('data', (e: TapEvent) => events.push(e));
    call.on('error', reject);
    call.on('end', () => resolve(events));
  });
  return { events, done };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('Tap.Observe server', () => {
  it('streams RequestInit, ResponseInit and ResponseEnd for matching requests up to the limit', async () => {
    const hub = new TapHub();
    const server = await start(hub);
    const c = client(`127.0.0.1:${server.address.port}`);
    const call = observe(c, {
      limit: 2,
      match: { http: { path: { prefix: '/api' } } },
      extract: { http: { headers: {} } },
    });
    await until(() => hub.active);
    expect(hub.request(tapRequest({ path: '/other' }))).toBeUndefined();
    const r1 = tapRequest({ path: '/api/one' });
    const s1 = hub.request(r1)!;
    expect(s1).toHaveLength(1);
    const r2 = tapRequest({ path: '/api/two', method: 'PURGE' });
    const s2 = hub.request(r2)!;
    // The limit is reached: later requests are not followed.
    expect(hub.request(tapRequest({ path: '/api/three' }))).toBeUndefined();
    s1[0]!.onResponse({ status: 200, headers: ['content-type', 'text/plain'], sinceRequestMs: 1.5 });
    s1[0]!.onEnd({ sinceRequestMs: 3, sinceResponseMs: 1.5, responseBytes: 42, trailers: null });
    s2[0]!.onResponse({ status: 200, headers: [], sinceRequestMs: 2 });
    s2[0]!.onEnd({
      sinceRequestMs: 4,
      sinceResponseMs: 2,
      responseBytes: 7,
      grpcStatus: 14,
      trailers: ['grpc-status', '14'],
    });
    const events = await call.done;
    expect(hub.active).toBe(false);
    expect(events.map((e) => e.http?.event)).toEqual([
      'requestInit',
      'requestInit',
      'responseInit',
      'responseEnd',
      'responseInit',
      'responseEnd',
    ]);
    const init = events[0]!.http!.requestInit!;
    expect(init.id?.base).toBe(7);
    expect(longToNumber(init.id!.stream!)).toBe(r1.id.stream);
    expect(init.method?.registered).toBe(0);
    expect(init.path).toBe('/api/one');
    expect(init.authority).toBe('web.demo.svc.cluster.local:80');
    expect(init.headers?.headers?.map((h) => h.name)).toEqual(['user-agent', 'x-token']);
    expect(events[1]!.http!.requestInit!.method?.unregistered).toBe('PURGE');
    expect(events[0]!.proxyDirection).toBe(1);
    expect(events[0]!.sourceMeta?.labels?.client_id).toBe(
      'client.demo.serviceaccount.identity.linkerd.cluster.local',
    );
    const rsp = events[2]!.http!.responseInit!;
    expect(rsp.httpStatus).toBe(200);
    expect(rsp.sinceRequestInit?.nanos).toBe(1_500_000);
    const end = events[5]!.http!.responseEnd!;
    expect(longToNumber(end.responseBytes!)).toBe(7);
    expect(end.eos?.grpcStatusCode).toBe(14);
    expect(end.trailers?.headers?.[0]?.name).toBe('grpc-status');
  });

  it('leaves headers out unless extraction is asked, and reports resets', async () => {
    const hub = new TapHub();
    const server = await start(hub);
    const call = observe(client(`127.0.0.1:${server.address.port}`), { limit: 1 });
    await until(() => hub.active);
    const s = hub.request(tapRequest())!;
    s[0]!.onEnd({ sinceRequestMs: 5, sinceResponseMs: 5, responseBytes: 0, resetCode: 2, trailers: null });
    const events = await call.done;
    expect(events[0]!.http!.requestInit!.headers).toBeNull();
    expect(events[1]!.http!.responseEnd!.eos?.resetErrorCode).toBe(2);
  });

  it('decides outbound requests once the endpoint is known (destination labels)', async () => {
    const hub = new TapHub();
    const server = await start(hub);
    const call = observe(client(`127.0.0.1:${server.address.port}`), {
      limit: 1,
      match: { destinationLabel: { key: 'deployment', value: 'web' } },
    });
    await until(() => hub.active);
    const other = tapRequest({ direction: 'outbound' });
    const so = hub.request(other)!;
    other.destinationLabels = { deployment: 'api' };
    so[0]!.onEndpoint!();
    so[0]!.onEnd({ sinceRequestMs: 1, sinceResponseMs: 1, responseBytes: 0, trailers: null });
    const web = tapRequest({ direction: 'outbound' });
    const sw = hub.request(web)!;
    web.destination = { ip: '10.9.9.9', port: 80 };
    web.destinationLabels = { deployment: 'web' };
    sw[0]!.onResponse({ status: 503, headers: [], sinceRequestMs: 1 });
    sw[0]!.onEnd({ sinceRequestMs: 2, sinceResponseMs: 1, responseBytes: 3, trailers: null });
    const events = await call.done;
    expect(events).toHaveLength(3);
    expect(events[0]!.destinationMeta?.labels?.deployment).toBe('web');
    expect(events[0]!.proxyDirection).toBe(2);
    expect(events[1]!.http!.responseInit!.httpStatus).toBe(503);
  });

  it('refuses limit 0 and malformed matches with INVALID_ARGUMENT', async () => {
    const server = await start(new TapHub());
    const c = client(`127.0.0.1:${server.address.port}`);
    const zero = await observe(c, { limit: 0 }).done.catch((e: ServiceError) => e);
    expect((zero as ServiceError).code).toBe(status.INVALID_ARGUMENT);
    expect((zero as ServiceError).details).toMatch(/limit/);
    const bad = await observe(c, { limit: 1, match: { http: {} } }).done.catch((e: ServiceError) => e);
    expect((bad as ServiceError).code).toBe(status.INVALID_ARGUMENT);
  });

  it('never blocks the publisher: a client that does not read loses events, counted', async () => {
    const hub = new TapHub();
    const server = await start(hub, { bufferEvents: 10 });
    // A tiny flow-control window so the client stops accepting data almost at once.
    const c = client(`127.0.0.1:${server.address.port}`, credentials.createInsecure(), {
      'grpc.http2.lookahead_bytes': 0,
    });
    const call = c.observe({ limit: 100_000, extract: { http: { headers: {} } } }, new Metadata());
    call.on('error', () => {});
    call.pause();
    await until(() => hub.active);
    const big = Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(200)]).flat();
    // The loop runs synchronously: had a write waited for the client, it could not finish.
    for (let i = 0; i < 5000; i++) {
      const s = hub.request(tapRequest({ headers: big }))!;
      s[0]!.onEnd({ sinceRequestMs: 1, sinceResponseMs: 1, responseBytes: 0, trailers: null });
    }
    expect(server.droppedEvents).toBeGreaterThan(0);
    expect(server.subscribers).toBe(1);
    call.cancel();
  });
});

describe('Tap.Observe authorization', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;

  it.runIf(external !== undefined)('refuses a plaintext caller that is not on loopback', async () => {
    const hub = new TapHub();
    const server = await startTapServer({
      hub,
      listen: { host: external!, port: 0 },
      tapServiceName: 'tap.linkerd-viz.serviceaccount.identity.linkerd.cluster.local',
    });
    servers.push(server);
    const err = await observe(client(`${external}:${server.address.port}`), { limit: 1 }).done.catch(
      (e: ServiceError) => e,
    );
    expect((err as ServiceError).code).toBe(status.UNAUTHENTICATED);
    expect((err as ServiceError).details).toMatch(/not allowed to tap/);
    expect(hub.active).toBe(false);
  });

  it.runIf(external !== undefined)(
    'serves an mTLS caller whose identity is the tap service name, only',
    async () => {
      const name = 'tap.linkerd-viz.serviceaccount.identity.linkerd.cluster.local';
      const serverCert = selfSignedCertificate({ commonName: 'proxy', altNames: [external!] });
      const good = selfSignedCertificate({ commonName: 'tap', altNames: [name] });
      const bad = selfSignedCertificate({
        commonName: 'web',
        altNames: ['web.demo.serviceaccount.identity.linkerd.cluster.local'],
      });
      const hub = new TapHub();
      const server = await startTapServer({
        hub,
        listen: { host: external!, port: 0 },
        tapServiceName: name,
        credentials: ServerCredentials.createSsl(
          Buffer.from(good.cert + bad.cert),
          [{ cert_chain: Buffer.from(serverCert.cert), private_key: Buffer.from(serverCert.key) }],
          true,
        ),
      });
      servers.push(server);
      const target = `${external}:${server.address.port}`;
      const as = (pair: { cert: string; key: string }) =>
        credentials.createSsl(Buffer.from(serverCert.cert), Buffer.from(pair.key), Buffer.from(pair.cert));
      const refused = await observe(client(target, as(bad)), { limit: 1 }).done.catch((e: ServiceError) => e);
      expect((refused as ServiceError).code).toBe(status.UNAUTHENTICATED);
      expect((refused as ServiceError).details).toMatch(/client identity web\.demo/);
      const allowed = observe(client(target, as(good)), { limit: 1 });
      await until(() => hub.active);
      hub
        .request(tapRequest())![0]!
        .onEnd({ sinceRequestMs: 1, sinceResponseMs: 1, responseBytes: 1, trailers: null });
      expect((await allowed.done).length).toBe(2);
    },
  );
});
