// Real grpc-js server and clients over loopback HTTP/2, built only from the definitions in
// src/proto: every method of the five Linkerd services is called once.
import * as grpc from '@grpc/grpc-js';
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationFromMillis, durationToMillis } from '../../src/proto/duration.js';
import {
  DestinationClient,
  IdentityClient,
  InboundServerPoliciesClient,
  OutboundPoliciesClient,
  TapClient,
} from '../../src/proto/grpc-clients.js';
import {
  type DestinationHandlers,
  destinationService,
  type IdentityHandlers,
  type InboundServerPoliciesHandlers,
  identityService,
  inboundServerPoliciesService,
  type OutboundPoliciesHandlers,
  outboundPoliciesService,
  type TapHandlers,
  tapService,
} from '../../src/proto/grpc-services.js';
import { ipAddressFromString, ipAddressToString } from '../../src/proto/ip-address.js';
import { type destination, identity, type inbound, type outbound } from '../../src/proto/messages.js';
import { tcpAddressFromString, tcpAddressToString } from '../../src/proto/tcp-address.js';
import { timestampFromDate, timestampToDate } from '../../src/proto/timestamp.js';
import { SERVICES } from './spec-table.js';

const CSR_DER = Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x01, 0x00]);
const LEAF_DER = Buffer.from([0x30, 0x82, 0x03, 0x00, 0xa0, 0x03]);
const VALID_UNTIL = new Date('2026-09-01T00:00:00.123Z');

const destinationHandlers: DestinationHandlers = {
  get(call) {
    const path = call.request.path;
    if (path === 'missing.default.svc.cluster.local:80') {
      call.write({ noEndpoints: { exists: false } });
      call.end();
      return;
    }
    call.write({
      add: {
        addrs: [
          {
            addr: tcpAddressFromString('10.42.0.7:8080'),
            weight: 10_000,
            metricLabels: { pod: 'web-7d9f' },
            tlsIdentity: {
              dnsLikeIdentity: { name: 'web.default.serviceaccount.identity.linkerd.cluster.local' },
              serverName: { name: 'web.default.serviceaccount.identity.linkerd.cluster.local' },
            },
            protocolHint: { h2: {}, opaqueTransport: { inboundPort: 4143 } },
          },
          { addr: tcpAddressFromString('[fd00:10:42::8]:8080'), weight: 10_000 },
        ],
        metricLabels: { namespace: 'default', service: 'web' },
      },
    });
    call.write({ remove: { addrs: [tcpAddressFromString('[fd00:10:42::8]:8080')] } });
    call.write({ noEndpoints: { exists: true } });
    call.end();
  },
  getProfile(call) {
    call.write({
      fullyQualifiedName: call.request.path.replace(/:\d+$/, ''),
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: durationFromMillis(10_000) },
      routes: [
        {
          condition: { path: { regex: '/api/.*' } },
          isRetryable: true,
          timeout: durationFromMillis(1500),
          responseClasses: [{ condition: { status: { min: 500, max: 599 } }, isFailure: true }],
        },
      ],
      opaqueProtocol: false,
    });
    call.end();
  },
};

const identityHandlers: IdentityHandlers = {
  certify(call, callback) {
    const { identity: id, token, certificateSigningRequest } = call.request;
    if (id === '') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'identity must be set' });
      return;
    }
    expect(Buffer.from(token).toString()).toBe('service-account-token');
    callback(null, {
      leafCertificate: Buffer.concat([LEAF_DER, certificateSigningRequest]),
      intermediateCertificates: [Buffer.from([0x30, 0x01]), Buffer.from([0x30, 0x02])],
      validUntil: timestampFromDate(VALID_UNTIL),
    });
  },
};

const tapHandlers: TapHandlers = {
  observe(call) {
    if (call.request.limit === 0) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'limit must be positive' });
      return;
    }
    call.write({
      source: tcpAddressFromString('10.0.0.1:40000'),
      destination: tcpAddressFromString('10.0.0.2:8080'),
      proxyDirection: 2,
      http: {
        requestInit: {
          id: { base: 1, stream: Long.fromString('9007199254740993', true) },
          method: { registered: 1 },
          authority: 'web:8080',
          path: '/',
        },
      },
    });
    call.end();
  },
};

const inboundHandlers: InboundServerPoliciesHandlers = {
  getPort(call, callback) {
    callback(null, {
      protocol: { http2: { routes: [] } },
      serverIps: [ipAddressFromString('10.42.0.7'), ipAddressFromString('fd00::7')],
      labels: { port: String(call.request.port) },
    });
  },
  watchPort(call) {
    call.write({ protocol: { opaque: {} } });
    call.write({ protocol: { detect: { timeout: durationFromMillis(10_000) } } });
    call.end();
  },
};

const outboundHandlers: OutboundPoliciesHandlers = {
  get(call, callback) {
    callback(null, { metadata: { default: `target ${call.request.authority}` }, protocol: { opaque: {} } });
  },
  watch(call) {
    call.write({ protocol: { tls: { routes: [] } } });
    call.end();
  },
};

function collect<T>(stream: grpc.ClientReadableStream<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    stream.on('data', (m: T) => out.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
}

function unary<T>(start: (callback: grpc.requestCallback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, value) => (error ? reject(error) : resolve(value!)));
  });
}

describe('Linkerd gRPC services over a real grpc-js server', () => {
  let server: grpc.Server;
  let address: string;
  const clients: grpc.Client[] = [];
  const open = <C extends grpc.Client>(Ctor: new (a: string, c: grpc.ChannelCredentials) => C): C => {
    const client = new Ctor(address, grpc.credentials.createInsecure());
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(destinationService, destinationHandlers);
    server.addService(identityService, identityHandlers);
    server.addService(tapService, tapHandlers);
    server.addService(inboundServerPoliciesService, inboundHandlers);
    server.addService(outboundPoliciesService, outboundHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => {
    for (const client of clients) client.close();
    server.forceShutdown();
  });

  it('uses the method paths and streaming flags of the spec', () => {
    const definitions = [
      destinationService,
      identityService,
      tapService,
      inboundServerPoliciesService,
      outboundPoliciesService,
    ];
    const actual = definitions.flatMap((d) =>
      Object.values(d).map((m) => [m.path, m.originalName, m.requestStream, m.responseStream]),
    );
    const expected = Object.entries(SERVICES).flatMap(([service, methods]) =>
      methods.map(([name, , , streaming]) => [`/${service}/${name}`, name, false, streaming]),
    );
    expect(actual).toEqual(expected);
  });

  it('Destination.Get streams add, remove and no_endpoints updates', async () => {
    const client = open(DestinationClient);
    const updates = await collect(
      client.get({
        scheme: '',
        path: 'web.default.svc.cluster.local:8080',
        contextToken: '{"ns":"default"}',
      }),
    );
    expect(updates.map((u) => u.update)).toEqual(['add', 'remove', 'noEndpoints']);
    const [add, remove, none] = updates as [destination.Update, destination.Update, destination.Update];
    expect((add.add?.addrs ?? []).map((a) => tcpAddressToString(a.addr!))).toEqual([
      '10.42.0.7:8080',
      '[fd00:10:42::8]:8080',
    ]);
    const first = add.add!.addrs![0]!;
    expect(first.weight).toBe(10_000);
    expect(first.metricLabels).toEqual({ pod: 'web-7d9f' });
    expect(first.tlsIdentity?.strategy).toBe('dnsLikeIdentity');
    expect(first.tlsIdentity?.dnsLikeIdentity?.name).toBe(
      'web.default.serviceaccount.identity.linkerd.cluster.local',
    );
    expect(first.protocolHint?.protocol).toBe('h2');
    expect(first.protocolHint?.opaqueTransport?.inboundPort).toBe(4143);
    expect(add.add?.metricLabels).toEqual({ namespace: 'default', service: 'web' });
    expect((remove.remove?.addrs ?? []).map(tcpAddressToString)).toEqual(['[fd00:10:42::8]:8080']);
    expect(none.noEndpoints?.exists).toBe(true);

    const missing = await collect(client.get({ path: 'missing.default.svc.cluster.local:80' }));
    expect(missing.map((u) => [u.update, u.noEndpoints?.exists])).toEqual([['noEndpoints', false]]);
  });

  it('Destination.GetProfile streams a profile with routes, durations and a retry budget', async () => {
    const client = open(DestinationClient);
    const [profile, ...more] = await collect(
      client.getProfile({ path: 'web.default.svc.cluster.local:8080' }),
    );
    expect(more).toEqual([]);
    expect(profile!.fullyQualifiedName).toBe('web.default.svc.cluster.local');
    expect(profile!.retryBudget?.retryRatio).toBeCloseTo(0.2, 6);
    expect(durationToMillis(profile!.retryBudget!.ttl!)).toBe(10_000);
    const route = profile!.routes[0]!;
    expect(route.condition?.match).toBe('path');
    expect(route.condition?.path?.regex).toBe('/api/.*');
    expect(durationToMillis(route.timeout!)).toBe(1500);
    expect(route.responseClasses?.[0]?.condition?.status).toEqual(
      expect.objectContaining({ min: 500, max: 599 }),
    );
  });

  it('Identity.Certify answers a DER CSR with DER certificates and a validity', async () => {
    const client = open(IdentityClient);
    const response = await unary<identity.CertifyResponse>((cb) =>
      client.certify(
        {
          identity: 'web.default.serviceaccount.identity.linkerd.cluster.local',
          token: Buffer.from('service-account-token'),
          certificateSigningRequest: CSR_DER,
        },
        cb,
      ),
    );
    expect(Buffer.from(response.leafCertificate)).toEqual(Buffer.concat([LEAF_DER, CSR_DER]));
    expect(response.intermediateCertificates.map((c) => Buffer.from(c).toString('hex'))).toEqual([
      '3001',
      '3002',
    ]);
    expect(timestampToDate(response.validUntil!).toISOString()).toBe(VALID_UNTIL.toISOString());
  });

  it('Identity.Certify errors carry the gRPC status', async () => {
    const client = open(IdentityClient);
    const error = await unary((cb) => client.certify({ identity: '' }, new grpc.Metadata(), cb)).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'identity must be set' });
  });

  it('works through a plain grpc-js Client and makeUnaryRequest', async () => {
    const client = open(grpc.Client);
    const { certify } = identityService;
    const response = await unary<identity.CertifyResponse>((cb) =>
      client.makeUnaryRequest(
        certify.path,
        certify.requestSerialize,
        certify.responseDeserialize,
        { identity: 'x', token: Buffer.from('service-account-token'), certificateSigningRequest: CSR_DER },
        cb,
      ),
    );
    expect(response).toBeInstanceOf(identity.CertifyResponse);
    expect(response.intermediateCertificates).toHaveLength(2);
  });

  it('fails the call, not the server, when a peer sends bytes that do not decode', async () => {
    const client = open(grpc.Client);
    const garbage = () => Buffer.from([0x0f, 0xff]);
    const error = await unary<identity.CertifyResponse>((cb) =>
      client.makeUnaryRequest(
        identityService.certify.path,
        garbage,
        identityService.certify.responseDeserialize,
        {},
        cb,
      ),
    ).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(error).toBeDefined();
    expect(error?.code).toBe(grpc.status.INTERNAL);
    const still = await unary<identity.CertifyResponse>((cb) =>
      open(IdentityClient).certify({ identity: 'x', token: Buffer.from('service-account-token') }, cb),
    );
    expect(still.intermediateCertificates).toHaveLength(2);
  });

  it('Tap.Observe streams an event with an exact 64-bit stream id', async () => {
    const client = open(TapClient);
    const events = await collect(
      client.observe({ limit: 10, match: { destinationLabel: { key: 'app', value: 'web' } } }),
    );
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.event).toBe('http');
    expect(event.http?.event).toBe('requestInit');
    expect(event.http?.requestInit?.id?.stream?.toString()).toBe('9007199254740993');
    expect(tcpAddressToString(event.destination!)).toBe('10.0.0.2:8080');
    const error = await collect(client.observe({ limit: 0 })).catch((e) => e);
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('InboundServerPolicies.GetPort and WatchPort', async () => {
    const client = open(InboundServerPoliciesClient);
    const server = await unary<inbound.Server>((cb) =>
      client.getPort({ workload: 'default:web-7d9f', port: 8080 }, cb),
    );
    expect(server.protocol?.kind).toBe('http2');
    expect(server.serverIps.map(ipAddressToString)).toEqual(['10.42.0.7', 'fd00::7']);
    expect(server.labels).toEqual({ port: '8080' });
    const watched = await collect(client.watchPort({ workload: 'default:web-7d9f', port: 8080 }));
    expect(watched.map((s) => s.protocol?.kind)).toEqual(['opaque', 'detect']);
    expect(durationToMillis(watched[1]!.protocol!.detect!.timeout!)).toBe(10_000);
  });

  it('OutboundPolicies.Get and Watch', async () => {
    const client = open(OutboundPoliciesClient);
    const policy = await unary<outbound.OutboundPolicy>((cb) =>
      client.get({ sourceWorkload: 'default:web', authority: 'api.default.svc.cluster.local:80' }, cb),
    );
    expect(policy.metadata?.default).toBe('target api.default.svc.cluster.local:80');
    expect(policy.protocol?.kind).toBe('opaque');
    const watched = await collect(client.watch({ addr: tcpAddressFromString('10.43.0.1:443') }));
    expect(watched.map((p) => p.protocol?.kind)).toEqual(['tls']);
  });
});
