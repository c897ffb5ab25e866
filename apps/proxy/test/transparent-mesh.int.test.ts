import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { canCreateNetns, type Pod } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_UID, identityName as idName, PROXY_UID, TransparentPods } from './support/transparent-pods.js';

// Two "pods" as network namespaces with real iptables rules installed by skein-proxy-init: the
// apps know nothing of the mesh; pod A's client connects to pod B's IP and its connection goes
// A-app → iptables → A-proxy outbound (SO_ORIGINAL_DST) → mTLS → iptables → B-proxy inbound →
// B-app. The pods and their proxies come from ./support/transparent-pods.ts, which the
// benchmark (bench/transparent.bench.ts) shares.

const node = process.execPath;
const grpcModule = pathToFileURL(createRequire(import.meta.url).resolve('@grpc/grpc-js')).href;

// Root only: namespaces and iptables. CI runs as root, so this runs there.
describe.skipIf(!canCreateNetns())('transparent mesh in network namespaces', () => {
  let pods: TransparentPods;
  let a: Pod;
  let b: Pod;

  const fixture = (name: string, code: string) => pods.file(name, code);

  beforeAll(async () => {
    pods = await TransparentPods.create();
    a = await pods.addPod('a');
    b = await pods.addPod('b');
    pods.setDiscovery(
      `services:
  - name: server
    namespace: demo
    ports: [8080, 9090, 5432]
    opaquePorts: "5432"
    endpoints:
      - { ip: ${b.ip}, pod: server-0, serviceAccount: server, meshed: true }
  - name: client
    namespace: demo
    ports: [80]
    endpoints:
      - { ip: ${a.ip}, pod: client-0, serviceAccount: client, meshed: true }
`,
    );
    // B's applications, as an ordinary user, listening on all addresses.
    await b.spawn(
      [
        node,
        fixture(
          'http-app.mjs',
          `
import http from 'node:http';
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, clientId: req.headers['l5d-client-id'] ?? null, origProto: req.headers['l5d-orig-proto'] ?? null, from: req.socket.remoteAddress }));
}).listen(8080, '0.0.0.0', () => console.log('http ready'));
`,
        ),
      ],
      { uid: APP_UID, ready: /http ready/ },
    );
    await b.spawn(
      [
        node,
        fixture(
          'grpc-app.mjs',
          `
import * as grpc from '${grpcModule}';
const json = { serialize: (v) => Buffer.from(JSON.stringify(v)), deserialize: (b) => JSON.parse(b.toString()) };
const service = { chat: { path: '/test.Echo/Chat', requestStream: true, responseStream: true,
  requestSerialize: json.serialize, requestDeserialize: json.deserialize, responseSerialize: json.serialize, responseDeserialize: json.deserialize } };
const server = new grpc.Server();
server.addService(service, { chat: (call) => { call.on('data', (m) => call.write({ text: 'echo:' + m.text })); call.on('end', () => call.end()); } });
server.bindAsync('0.0.0.0:9090', grpc.ServerCredentials.createInsecure(), () => console.log('grpc ready'));
`,
        ),
      ],
      { uid: APP_UID, ready: /grpc ready/ },
    );
    await b.spawn(
      [
        node,
        fixture(
          'banner-app.mjs',
          `
import net from 'node:net';
net.createServer((s) => { s.write('banner from server\\n'); s.pipe(s); }).listen(5432, '0.0.0.0', () => console.log('tcp ready'));
`,
        ),
      ],
      { uid: APP_UID, ready: /tcp ready/ },
    );
    await pods.mesh(b, 'server');
    await pods.mesh(a, 'client');
  }, 120_000);

  afterAll(async () => {
    await pods?.close();
  });

  const asApp = (argv: string[]) => a.exec(argv, { uid: APP_UID, timeoutMs: 20_000 });

  it('carries plain HTTP/1.1 from an unaware app over mTLS, with the client identity', async () => {
    const { stdout } = await asApp(['curl', '-sS', '--max-time', '10', `http://${b.ip}:8080/hello`]);
    const seen = JSON.parse(stdout) as {
      path: string;
      clientId: string | null;
      origProto: string | null;
      from: string;
    };
    expect(seen.path).toBe('/hello');
    expect(seen.clientId).toBe(idName('client'));
    expect(seen.origProto).toBeNull();
  });

  it('shows on B that the connection came in over mTLS from A (inbound metrics)', async () => {
    // Read as the proxy user: the proxy's own traffic is not redirected.
    const { stdout } = await a.exec(['curl', '-sS', `http://${b.ip}:4191/metrics`], { uid: PROXY_UID });
    expect(stdout).toMatch(
      new RegExp(
        `request_total\\{direction="inbound",target_addr="${b.ip.replaceAll('.', '\\.')}:8080",[^}]*tls="true",client_id="${idName('client').replaceAll('.', '\\.')}"`,
      ),
    );
    const outbound = await a.exec(['curl', '-sS', 'http://127.0.0.1:4191/metrics'], { uid: PROXY_UID });
    expect(outbound.stdout).toMatch(
      new RegExp(
        `request_total\\{direction="outbound",[^}]*tls="true",server_id="${idName('server').replaceAll('.', '\\.')}"`,
      ),
    );
  });

  it('carries a gRPC stream (HTTP/2) transparently', async () => {
    const client = fixture(
      'grpc-client.mjs',
      `
import * as grpc from '${grpcModule}';
const json = { serialize: (v) => Buffer.from(JSON.stringify(v)), deserialize: (b) => JSON.parse(b.toString()) };
const Client = grpc.makeGenericClientConstructor({ chat: { path: '/test.Echo/Chat', requestStream: true, responseStream: true,
  requestSerialize: json.serialize, requestDeserialize: json.deserialize, responseSerialize: json.serialize, responseDeserialize: json.deserialize } }, 'Echo');
const c = new Client('${b.ip}:9090', grpc.credentials.createInsecure());
const call = c.chat(); const out = [];
call.on('data', (m) => out.push(m.text));
call.on('status', (s) => { console.log(JSON.stringify({ code: s.code, out })); process.exit(0); });
for (const t of ['x', 'y']) call.write({ text: t });
call.end();
`,
    );
    const { stdout } = await asApp([node, client]);
    expect(JSON.parse(stdout)).toEqual({ code: 0, out: ['echo:x', 'echo:y'] });
  });

  it('carries a server-speaks-first TCP protocol on an opaque port without waiting for detection', async () => {
    const client = fixture(
      'banner-client.mjs',
      `
import net from 'node:net';
const started = Date.now();
const s = net.connect(5432, '${b.ip}');
let got = '';
s.on('data', (c) => { got += c; if (got.includes('\\n') && !got.includes('ping')) s.write('ping'); if (got.endsWith('ping')) { console.log(JSON.stringify({ got, ms: Date.now() - started })); s.destroy(); } });
`,
    );
    const { stdout } = await asApp([node, client]);
    const result = JSON.parse(stdout) as { got: string; ms: number };
    expect(result.got).toBe('banner from server\nping');
    // The 10 s HTTP detection timeout never ran: discovery marked the port opaque.
    expect(result.ms).toBeLessThan(5_000);
    const { stdout: metrics } = await a.exec(['curl', '-sS', `http://${b.ip}:4191/metrics`], {
      uid: PROXY_UID,
    });
    expect(metrics).toMatch(
      /tcp_open_total\{direction="inbound",peer="src",[^}]*tls="true",client_id="client\.demo/,
    );
  });

  it('counts an opaque connection the outbound proxy cannot open in outbound_tcp_errors_total', async () => {
    // Pod C is outside the mesh and nothing listens there: the app's connection is accepted by
    // A's proxy (iptables), detected as not HTTP, and forwarded to C, which refuses it.
    const c = await pods.addPod('c');
    const client = fixture(
      'refused-client.mjs',
      `
import net from 'node:net';
const s = net.connect(7000, '${c.ip}');
s.on('connect', () => s.write('hello, not http\\n'));
s.on('error', () => {});
s.on('close', () => console.log('closed'));
`,
    );
    const { stdout } = await asApp([node, client]);
    expect(stdout.trim()).toBe('closed');
    const { stdout: metrics } = await a.exec(['curl', '-sS', 'http://127.0.0.1:4191/metrics'], {
      uid: PROXY_UID,
    });
    expect(metrics).toContain('outbound_tcp_errors_total{error="i/o"} 1');
  });

  it('does not redirect the proxy user or loopback traffic inside a pod', async () => {
    // The proxy user reaches B's app directly: no identity header is added.
    const direct = await a.exec(['curl', '-sS', '--max-time', '10', `http://${b.ip}:8080/direct`], {
      uid: PROXY_UID,
    });
    expect((JSON.parse(direct.stdout) as { clientId: string | null }).clientId).toBeNull();
    // Loopback in B (app to itself) is untouched by the inbound rules.
    const local = await b.exec(['curl', '-sS', '--max-time', '10', 'http://127.0.0.1:8080/local'], {
      uid: APP_UID,
    });
    expect((JSON.parse(local.stdout) as { clientId: string | null }).clientId).toBeNull();
  });
});
