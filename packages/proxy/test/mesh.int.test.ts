import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkeinProxy } from '../src/proxy.js';
import {
  getVia,
  identityName,
  startIdentityService,
  startMeshedProxy,
  type TestIdentityService,
} from './support/mesh.js';

// Two "pods" on their own loopback addresses, as the local mesh runs them: each app talks to its
// own proxy in explicit mode, and proxies reach each other's inbound port with mTLS and the
// transport header.
const A_IP = '127.0.1.1';
const B_IP = '127.0.1.2';
const A_ID = identityName('demo', 'web');
const B_ID = identityName('demo', 'emoji');

const json = {
  serialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString()) as { text: string },
};
const echoService = {
  chat: {
    path: '/test.Echo/Chat',
    requestStream: true,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies grpc.ServiceDefinition;

describe('meshed proxies: app → outbound proxy → mTLS → inbound proxy → app', () => {
  let identity: TestIdentityService;
  let a: SkeinProxy;
  let b: SkeinProxy;
  let httpApp: http.Server;
  let grpcApp: grpc.Server;
  let tcpApp: net.Server;
  const seenHeaders: http.IncomingHttpHeaders[] = [];
  let grpcPort = 0;
  let closedPort = 0;

  beforeAll(async () => {
    identity = await startIdentityService();
    httpApp = http.createServer((req, res) => {
      seenHeaders.push(req.headers);
      res.setHeader('x-app', 'emoji');
      res.end(`emoji says hi to ${req.url}`);
    });
    httpApp.listen(0, B_IP);
    await once(httpApp, 'listening');
    grpcApp = new grpc.Server();
    grpcApp.addService(echoService, {
      chat: (call: grpc.ServerDuplexStream<{ text: string }, { text: string }>) => {
        call.on('data', (m: { text: string }) => call.write({ text: `echo:${m.text}` }));
        call.on('end', () => {
          const trailers = new grpc.Metadata();
          trailers.set('x-done', 'yes');
          call.end(trailers);
        });
      },
    });
    grpcPort = await new Promise<number>((resolve, reject) =>
      grpcApp.bindAsync(`${B_IP}:0`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    tcpApp = net.createServer((s) => {
      s.write('banner\n');
      s.pipe(s);
    });
    tcpApp.listen(0, B_IP);
    await once(tcpApp, 'listening');

    // A port of B's that was just free: B's proxy cannot reach an app there.
    closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, B_IP, () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    b = await startMeshedProxy({ ip: B_IP, namespace: 'demo', serviceAccount: 'emoji', identity });
    const inbound = b.addresses.inbound.port;
    const ep = (port: number, extra = '') =>
      `{ address: "${B_IP}:${port}", identity: ${B_ID}, opaqueTransportPort: ${inbound}${extra}, labels: { pod: emoji-0 } }`;
    a = await startMeshedProxy({
      ip: A_IP,
      namespace: 'demo',
      serviceAccount: 'web',
      identity,
      discovery: `authorities:
  emoji.demo.svc.cluster.local:80:
    labels: { namespace: demo, service: emoji }
    endpoints: [ ${ep((httpApp.address() as AddressInfo).port, ', protocolHint: h2')} ]
  emoji-grpc.demo.svc.cluster.local:80:
    endpoints: [ ${ep(grpcPort, ', protocolHint: h2')} ]
  emoji-tcp.demo.svc.cluster.local:80:
    endpoints: [ ${ep((tcpApp.address() as AddressInfo).port, ', protocolHint: opaque')} ]
  emoji-down.demo.svc.cluster.local:80:
    endpoints: [ ${ep(closedPort, ', protocolHint: opaque')} ]
  impostor.demo.svc.cluster.local:80:
    endpoints: [ { address: "${B_IP}:${(httpApp.address() as AddressInfo).port}", identity: ${identityName('demo', 'vote')}, opaqueTransportPort: ${inbound}, protocolHint: h2 } ]
`,
    });
  });

  afterAll(async () => {
    await a?.shutdown(500);
    await b?.shutdown(500);
    httpApp?.close();
    grpcApp?.forceShutdown();
    tcpApp?.close();
    await identity?.close();
  });

  it('carries HTTP/1 over mTLS with the client identity, and never leaks l5d-orig-proto', async () => {
    const outbound = a.addresses.outbound[0]!.port;
    const res = await getVia(outbound, A_IP, 'http://emoji.demo.svc.cluster.local/hello', {
      'l5d-client-id': 'spoofed.identity',
    });
    expect(res.status, String(res.headers['l5d-proxy-error'])).toBe(200);
    expect(res.body).toBe('emoji says hi to /hello');
    expect(res.headers['x-app']).toBe('emoji');
    expect(res.headers['l5d-orig-proto']).toBeUndefined();
    const seen = seenHeaders.at(-1)!;
    expect(seen['l5d-client-id']).toBe(A_ID);
    expect(seen['l5d-orig-proto']).toBeUndefined();
    expect(seen.host).toBe('emoji.demo.svc.cluster.local');
  });

  it('shows mTLS in both proxies metrics with the right identities', async () => {
    const inboundMetrics = await getVia(b.addresses.admin.port, B_IP, `http://${B_IP}/metrics`);
    expect(inboundMetrics.body).toMatch(
      new RegExp(
        `request_total\\{direction="inbound",[^}]*tls="true",client_id="${A_ID.replaceAll('.', '\\.')}"`,
      ),
    );
    const outboundMetrics = await getVia(a.addresses.admin.port, A_IP, `http://${A_IP}/metrics`);
    expect(outboundMetrics.body).toMatch(
      new RegExp(
        `request_total\\{direction="outbound",authority="emoji\\.demo\\.svc\\.cluster\\.local:80",[^}]*tls="true",server_id="${B_ID.replaceAll('.', '\\.')}",dst_namespace="demo",dst_pod="emoji-0",dst_service="emoji"\\}`,
      ),
    );
    expect(outboundMetrics.body).toMatch(/control_identity_cert_expiration_timestamp_seconds \d/);
  });

  it('carries a bidirectional gRPC stream with trailers', async () => {
    const Client = grpc.makeGenericClientConstructor(echoService, 'Echo');
    const client = new Client(`${A_IP}:${a.addresses.outbound[0]!.port}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': 'emoji-grpc.demo.svc.cluster.local:80',
    }) as unknown as { chat(): grpc.ClientDuplexStream<{ text: string }, { text: string }>; close(): void };
    const call = client.chat();
    const replies: string[] = [];
    call.on('data', (m: { text: string }) => replies.push(m.text));
    const trailers = new Promise<grpc.Metadata>((resolve) =>
      call.on('metadata', () => {}).on('status', (s) => resolve(s.metadata)),
    );
    for (const t of ['a', 'b', 'c']) call.write({ text: t });
    call.end();
    const md = await trailers;
    expect(replies).toEqual(['echo:a', 'echo:b', 'echo:c']);
    expect(md.get('x-done')).toEqual(['yes']);
    client.close();
  });

  it('tunnels raw TCP (server speaks first) through CONNECT, the transport header and mTLS', async () => {
    const socket = net.connect(a.addresses.outbound[0]!.port, A_IP);
    await once(socket, 'connect');
    socket.write(
      'CONNECT emoji-tcp.demo.svc.cluster.local:80 HTTP/1.1\r\nHost: emoji-tcp.demo.svc.cluster.local:80\r\n\r\n',
    );
    let received = '';
    socket.on('data', (c: Buffer) => {
      received += c.toString();
    });
    while (!received.includes('banner\n')) await new Promise((r) => setTimeout(r, 10));
    socket.write('ping');
    while (!received.endsWith('ping')) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1.1 200 Connection Established\r\n(?:[^\r]*\r\n)*\r\nbanner\nping$/);
  });

  it('counts a TCP connection the inbound proxy cannot deliver to its app in inbound_tcp_errors_total', async () => {
    const socket = net.connect(a.addresses.outbound[0]!.port, A_IP);
    await once(socket, 'connect');
    socket.on('error', () => {});
    socket.write(
      'CONNECT emoji-down.demo.svc.cluster.local:80 HTTP/1.1\r\nHost: emoji-down.demo.svc.cluster.local:80\r\n\r\n',
    );
    socket.resume();
    // B accepts the meshed connection, fails to reach the app's port, and closes the tunnel.
    await once(socket, 'close');
    const metrics = await getVia(b.addresses.admin.port, B_IP, 'http://admin/metrics');
    expect(metrics.body).toContain('inbound_tcp_errors_total{error="i/o"} 1');
  });

  it('refuses to talk to a peer whose certificate is not the identity discovery gave', async () => {
    const res = await getVia(a.addresses.outbound[0]!.port, A_IP, 'http://impostor.demo.svc.cluster.local/');
    expect(res.status).toBe(502);
    expect(res.headers['l5d-proxy-error']).toMatch(/identity mismatch|vote\.demo\.serviceaccount/);
  });

  it('refuses direct connections that are not mutually authenticated', async () => {
    const inbound = b.addresses.inbound.port;
    // TLS to the inbound port without a client certificate: the handshake may complete, but the
    // connection is closed before any byte reaches the application.
    const before = seenHeaders.length;
    const socket = tls.connect({
      host: B_IP,
      port: inbound,
      servername: B_ID,
      rejectUnauthorized: false,
      ALPNProtocols: ['transport.l5d.io/v1'],
    });
    socket.on('error', () => {});
    socket.on('secureConnect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await new Promise((resolve) => socket.on('close', resolve));
    expect(seenHeaders.length).toBe(before);
    // Plaintext to the inbound port: closed without an answer.
    const plain = net.connect(inbound, B_IP);
    plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    plain.on('error', () => {});
    let got = '';
    plain.on('data', (c: Buffer) => {
      got += c.toString();
    });
    await new Promise((resolve) => plain.on('close', resolve));
    expect(got).toBe('');
  });

  describe('inbound policy', () => {
    let c: SkeinProxy;
    let auth: SkeinProxy;

    beforeAll(async () => {
      // A third and fourth pod for the same apps, with stricter default policies.
      c = await startMeshedProxy({
        ip: '127.0.1.3',
        namespace: 'demo',
        serviceAccount: 'locked',
        identity,
        env: { LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'deny' },
      });
      auth = await startMeshedProxy({
        ip: '127.0.1.4',
        namespace: 'demo',
        serviceAccount: 'strict',
        identity,
        env: { LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'all-authenticated' },
      });
    });

    afterAll(async () => {
      await c?.shutdown(200);
      await auth?.shutdown(200);
    });

    it('denies HTTP with 403 under the deny policy and counts it; allows meshed clients under all-authenticated', async () => {
      // Point new authorities at the stricter proxies' inbound ports (the app is the same one).
      const httpPort = (httpApp.address() as AddressInfo).port;
      const strictApp = http.createServer((req, res) =>
        res.end(`strict app saw ${req.headers['l5d-client-id']}`),
      );
      strictApp.listen(0, '127.0.1.4');
      await once(strictApp, 'listening');
      const strictPort = (strictApp.address() as AddressInfo).port;
      const file = join(identity.dir, 'policy-discovery.yaml');
      writeFileSync(
        file,
        `authorities:
  locked.demo.svc.cluster.local:80:
    endpoints: [ { address: "127.0.1.3:${httpPort}", identity: ${identityName('demo', 'locked')}, opaqueTransportPort: ${c.addresses.inbound.port}, protocolHint: h2 } ]
  strict.demo.svc.cluster.local:80:
    endpoints: [ { address: "127.0.1.4:${strictPort}", identity: ${identityName('demo', 'strict')}, opaqueTransportPort: ${auth.addresses.inbound.port}, protocolHint: h2 } ]
`,
      );
      const viaPolicyProxy = await startMeshedProxy({
        ip: '127.0.1.5',
        namespace: 'demo',
        serviceAccount: 'caller',
        identity,
        discovery: readFileSync(file, 'utf8'),
      });
      try {
        const outbound = viaPolicyProxy.addresses.outbound[0]!.port;
        // Denied before anything is forwarded to an application.
        const denied = await getVia(outbound, '127.0.1.5', 'http://locked.demo.svc.cluster.local/');
        expect(denied.status).toBe(403);
        const metrics = await getVia(c.addresses.admin.port, '127.0.1.3', 'http://admin/metrics');
        expect(metrics.body).toMatch(
          /inbound_http_authz_deny_total\{[^}]*srv_kind="default",srv_name="deny"[^}]*\} 1/,
        );
        const allowed = await getVia(outbound, '127.0.1.5', 'http://strict.demo.svc.cluster.local/');
        expect(allowed.status).toBe(200);
        expect(allowed.body).toBe(`strict app saw ${identityName('demo', 'caller')}`);
        const strictMetrics = await getVia(auth.addresses.admin.port, '127.0.1.4', 'http://admin/metrics');
        expect(strictMetrics.body).toMatch(
          /inbound_http_authz_allow_total\{[^}]*srv_name="all-authenticated"[^}]*tls="true",client_id="caller\.demo\.serviceaccount/,
        );
      } finally {
        await viaPolicyProxy.shutdown(200);
        strictApp.close();
      }
    });
  });
});
