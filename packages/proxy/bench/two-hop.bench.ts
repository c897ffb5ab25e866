// Two-hop mTLS benchmark: client → Skein outbound proxy → mTLS (transport header, HTTP/2) →
// Skein inbound proxy → server, against two HAProxy instances (1 thread each) with mutual TLS
// 1.3 between them, and a direct connection, in one run on loopback.
// `node bench/two-hop.bench.ts` (part of `npm run bench -w @skein/proxy`).
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { freePort, h2load, rssMiB, startNginxBackend, tempDir, waitForPort, wrk } from './peers.ts';

const seconds = Number(process.env.SKEIN_BENCH_SECONDS ?? 8);
const apps = (p: string) => fileURLToPath(new URL(`../../../apps/${p}`, import.meta.url));
const tmp = tempDir();
const dir = tmp.dir;
const ports = await Promise.all(Array.from({ length: 12 }, () => freePort()));
const [bh1, bh2, idPort, idAdmin, aOut, aIn, aAdmin, bOut, bIn, bAdmin, hA, hB] = ports as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const children: Array<ReturnType<typeof spawn>> = [];

function start(cmd: string, args: string[], env: Record<string, string>): ReturnType<typeof spawn> {
  const child = spawn(cmd, args, {
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.SKEIN_BENCH_NODE_OPTIONS === undefined
        ? {}
        : { NODE_OPTIONS: process.env.SKEIN_BENCH_NODE_OPTIONS }),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const backend = await startNginxBackend(dir, bh1, bh2);
try {
  // Identity: one anchor and issuer, static tokens for the two proxies.
  const anchor = generateTrustAnchor();
  const issuer = generateIssuer(anchor);
  writeFileSync(join(dir, 'crt.pem'), issuer.certificatePem);
  writeFileSync(join(dir, 'key.pem'), issuer.keyPem);
  writeFileSync(join(dir, 'anchors.pem'), anchor.certificatePem);
  writeFileSync(join(dir, 'tokens.txt'), 'tok-a bench/client\ntok-b bench/server\n');
  writeFileSync(join(dir, 'tok-a'), 'tok-a');
  writeFileSync(join(dir, 'tok-b'), 'tok-b');
  start(
    process.execPath,
    [
      apps('identity/dist/main.js'),
      '--addr',
      `127.0.0.1:${idPort}`,
      '--admin-addr',
      `127.0.0.1:${idAdmin}`,
      '--issuer-dir',
      dir,
      '--trust-anchors-file',
      join(dir, 'anchors.pem'),
      '--static-tokens-file',
      join(dir, 'tokens.txt'),
    ],
    {},
  );
  await waitForPort(idPort);
  const id = (sa: string) => `${sa}.bench.serviceaccount.identity.linkerd.cluster.local`;
  const proxyEnv = (
    sa: string,
    out: number,
    inb: number,
    admin: number,
    token: string,
  ): Record<string, string> => ({
    LINKERD2_PROXY_LOG: 'error',
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `127.0.0.1:${out}`,
    // `SKEIN_PROXY_MEMORY_PROFILE=throughput npm run bench` measures the other profile.
    ...(process.env.SKEIN_PROXY_MEMORY_PROFILE === undefined
      ? {}
      : { SKEIN_PROXY_MEMORY_PROFILE: process.env.SKEIN_PROXY_MEMORY_PROFILE }),
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `127.0.0.1:${inb}`,
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `127.0.0.1:${admin}`,
    LINKERD2_PROXY_IDENTITY_SVC_ADDR: `127.0.0.1:${idPort}`,
    LINKERD2_PROXY_IDENTITY_DIR: dir,
    LINKERD2_PROXY_IDENTITY_TOKEN_FILE: join(dir, token),
    LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: anchor.certificatePem,
    LINKERD2_PROXY_IDENTITY_LOCAL_NAME: id(sa),
  });
  const discovery = join(dir, 'discovery.yaml');
  writeFileSync(
    discovery,
    `authorities:\n  backend.mesh:80:\n    endpoints: [ { address: "127.0.0.1:${bh1}", identity: ${id('server')}, protocolHint: h2, opaqueTransportPort: ${bIn} } ]\n`,
  );
  const b = start(
    process.execPath,
    [apps('proxy/dist/main.js')],
    proxyEnv('server', bOut, bIn, bAdmin, 'tok-b'),
  );
  const a = start(process.execPath, [apps('proxy/dist/main.js')], {
    ...proxyEnv('client', aOut, aIn, aAdmin, 'tok-a'),
    SKEIN_PROXY_DISCOVERY_FILE: discovery,
  });
  await Promise.all([waitForPort(aOut), waitForPort(bIn)]);

  // Two HAProxy instances with mutual TLS 1.3 between them (ECDSA P-256, like the mesh).
  const pem = (name: string, cn: string) => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, `${name}.key`),
        '-out',
        join(dir, `${name}.crt`),
        '-days',
        '1',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=DNS:${cn}`,
      ],
      { stdio: 'ignore' },
    );
    execFileSync('sh', [
      '-c',
      `cat ${join(dir, `${name}.crt`)} ${join(dir, `${name}.key`)} > ${join(dir, `${name}.pem`)}`,
    ]);
  };
  pem('hserver', 'server.bench');
  pem('hclient', 'client.bench');
  execFileSync('sh', [
    '-c',
    `cat ${join(dir, 'hserver.crt')} ${join(dir, 'hclient.crt')} > ${join(dir, 'hca.crt')}`,
  ]);
  const cfg = (name: string, body: string) => {
    const file = join(dir, `${name}.cfg`);
    writeFileSync(
      file,
      `global\n  nbthread 1\n  maxconn 4000\n  ssl-default-bind-options ssl-min-ver TLSv1.3\n  ssl-default-server-options ssl-min-ver TLSv1.3\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n  option http-keep-alive\n  http-reuse always\n${body}`,
    );
    return file;
  };
  start(
    'haproxy',
    [
      '-db',
      '-f',
      cfg(
        'ha-a',
        `frontend f\n  bind 127.0.0.1:${hA}\n  default_backend b\nbackend b\n  server s 127.0.0.1:${hB} ssl crt ${join(dir, 'hclient.pem')} ca-file ${join(dir, 'hca.crt')} verify required sni str(server.bench) alpn h2\n`,
      ),
    ],
    {},
  );
  start(
    'haproxy',
    [
      '-db',
      '-f',
      cfg(
        'ha-b',
        `frontend f\n  bind 127.0.0.1:${hB} ssl crt ${join(dir, 'hserver.pem')} ca-file ${join(dir, 'hca.crt')} verify required alpn h2\n  default_backend b\nbackend b\n  server s 127.0.0.1:${bh1}\n`,
      ),
    ],
    {},
  );
  await Promise.all([waitForPort(hA), waitForPort(hB)]);

  const row = (name: string, value: number, unit: string) =>
    console.log(`${name.padEnd(52)} ${value.toFixed(unit === 'rps' ? 0 : 2).padStart(10)} ${unit}`);
  // Warm up: certificates, connections, JIT.
  await wrk(`http://127.0.0.1:${aOut}/`, 2, 20, ['Host: backend.mesh']);
  await wrk(`http://127.0.0.1:${hA}/`, 2, 20);

  const rate = { clients: 10, streams: 1, seconds, rpsPerClient: 100, dir, h1: true };
  const direct = await h2load({ ...rate, url: `http://127.0.0.1:${bh1}/` });
  const ha = await h2load({ ...rate, url: `http://127.0.0.1:${hA}/` });
  const sk = await h2load({ ...rate, url: `http://127.0.0.1:${aOut}/`, authority: 'backend.mesh' });
  if (sk.failed > 0) throw new Error(`${sk.failed} requests failed through the Skein proxies`);
  row('2-hop @1000rps p50: direct', direct.p50Ms, 'ms');
  row('2-hop @1000rps p50: HAProxy mTLS pair', ha.p50Ms, 'ms');
  row('2-hop @1000rps p50: Skein mTLS pair', sk.p50Ms, 'ms');
  row('2-hop @1000rps p99: direct', direct.p99Ms, 'ms');
  row('2-hop @1000rps p99: HAProxy mTLS pair', ha.p99Ms, 'ms');
  row('2-hop @1000rps p99: Skein mTLS pair', sk.p99Ms, 'ms');
  row('2-hop added p50 (Skein - direct)', sk.p50Ms - direct.p50Ms, 'ms');
  row('2-hop added p99 (Skein - direct)', sk.p99Ms - direct.p99Ms, 'ms');

  const haSat = await wrk(`http://127.0.0.1:${hA}/`, seconds, 50);
  const skSat = await wrk(`http://127.0.0.1:${aOut}/`, seconds, 50, ['Host: backend.mesh']);
  row('2-hop saturation: HAProxy mTLS pair', haSat.rps, 'rps');
  row('2-hop saturation: Skein mTLS pair', skSat.rps, 'rps');
  row('2-hop Skein / HAProxy', skSat.rps / haSat.rps, 'x');
  row('outbound proxy RSS after load', rssMiB(a.pid!), 'MiB');
  row('inbound proxy RSS after load', rssMiB(b.pid!), 'MiB');
} finally {
  for (const c of children) c.kill('SIGKILL');
  await backend.close();
  tmp.remove();
}
