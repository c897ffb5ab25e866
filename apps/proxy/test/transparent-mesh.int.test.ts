import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { canCreateNetns, createPodNetwork, type Pod, type PodNetwork } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two "pods" as network namespaces with real iptables rules installed by skein-proxy-init: the
// apps know nothing of the mesh; pod A's client connects to pod B's IP and its connection goes
// A-app → iptables → A-proxy outbound (SO_ORIGINAL_DST) → mTLS → iptables → B-proxy inbound →
// B-app. Each pod runs its own identity and destination services on its loopback (their place
// is not what is under test), sharing one trust anchor, issuer and static discovery file.

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bin = {
  proxy: here('../dist/main.js'),
  proxyInit: here('../../proxy-init/dist/main.js'),
  identity: here('../../identity/dist/main.js'),
  destination: here('../../destination/dist/main.js'),
};
const node = process.execPath;
const grpcModule = pathToFileURL(createRequire(import.meta.url).resolve('@grpc/grpc-js')).href;
const PROXY_UID = 2102;
const APP_UID = 1000;
const idName = (sa: string) => `${sa}.demo.serviceaccount.identity.linkerd.cluster.local`;

// Root only: namespaces and iptables. CI runs as root, so this runs there.
describe.skipIf(!canCreateNetns())('transparent mesh in network namespaces', () => {
  let net: PodNetwork;
  let a: Pod;
  let b: Pod;
  let dir: string;

  const fixture = (name: string, code: string) => {
    const file = join(dir, name);
    writeFileSync(file, code);
    return file;
  };

  async function startPod(pod: Pod, sa: string, token: string): Promise<void> {
    const pdir = join(dir, sa);
    mkdirSync(join(pdir, 'identity'), { recursive: true });
    writeFileSync(join(pdir, 'token'), token);
    chmodSync(pdir, 0o777);
    chmodSync(join(pdir, 'identity'), 0o777);
    await pod.spawn(
      [
        node,
        bin.identity,
        '--addr',
        '127.0.0.1:18080',
        '--admin-addr',
        '127.0.0.1:19990',
        '--issuer-dir',
        join(dir, 'issuer'),
        '--trust-anchors-file',
        join(dir, 'anchors.pem'),
        '--static-tokens-file',
        join(dir, 'tokens.txt'),
      ],
      { ready: /listening/ },
    );
    await pod.spawn(
      [
        node,
        bin.destination,
        '--addr',
        '127.0.0.1:18086',
        '--admin-addr',
        '127.0.0.1:19996',
        '--static-file',
        join(dir, 'mesh.yaml'),
      ],
      {
        ready: /listening/,
      },
    );
    await pod.spawn([node, bin.proxy], {
      uid: PROXY_UID,
      ready: /skein-proxy ready/,
      env: {
        PATH: process.env.PATH,
        LINKERD2_PROXY_LOG: 'warn',
        LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '0.0.0.0:4143',
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:4140',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '0.0.0.0:4191',
        LINKERD2_PROXY_IDENTITY_SVC_ADDR: '127.0.0.1:18080',
        LINKERD2_PROXY_IDENTITY_DIR: join(pdir, 'identity'),
        LINKERD2_PROXY_IDENTITY_TOKEN_FILE: join(pdir, 'token'),
        LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: anchorsPem,
        LINKERD2_PROXY_IDENTITY_LOCAL_NAME: idName(sa),
        LINKERD2_PROXY_DESTINATION_SVC_ADDR: '127.0.0.1:18086',
        LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS: '10.0.0.0/8',
        LINKERD2_PROXY_DESTINATION_CONTEXT: `{"ns":"demo","nodeName":"node-1","pod":"${sa}-0"}`,
      },
    });
    await pod.exec([
      node,
      bin.proxyInit,
      '--incoming-proxy-port',
      '4143',
      '--outgoing-proxy-port',
      '4140',
      '--proxy-uid',
      String(PROXY_UID),
      '--inbound-ports-to-ignore',
      '4190,4191',
      '--ipv6=false',
      '--iptables-mode',
      'legacy',
    ]);
  }

  let anchorsPem = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-transparent-'));
    chmodSync(dir, 0o755);
    const anchor = generateTrustAnchor();
    const issuer = generateIssuer(anchor);
    anchorsPem = anchor.certificatePem;
    mkdirSync(join(dir, 'issuer'));
    writeFileSync(join(dir, 'issuer', 'crt.pem'), issuer.certificatePem);
    writeFileSync(join(dir, 'issuer', 'key.pem'), issuer.keyPem);
    writeFileSync(join(dir, 'anchors.pem'), anchor.certificatePem);
    writeFileSync(join(dir, 'tokens.txt'), 'token-a demo/client\ntoken-b demo/server\n');
    net = await createPodNetwork();
    a = await net.addPod('a');
    b = await net.addPod('b');
    writeFileSync(
      join(dir, 'mesh.yaml'),
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
    await startPod(b, 'server', 'token-b');
    await startPod(a, 'client', 'token-a');
  }, 120_000);

  afterAll(async () => {
    await net?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
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
