import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SkeinError } from '@skein/core';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { ProcessError, type RunningProcess, runProcess } from '@skein/testkit';

/** The two "pods" of the soak, each on its own loopback address as the local mesh runs them. */
export const CLIENT_IP = '127.0.77.1';
export const SERVER_IP = '127.0.77.2';
/** The authority the client asks its proxy for. */
export const BACKEND_AUTHORITY = 'backend.soak.svc.cluster.local';

const NAMESPACE = 'soak';
const identityName = (sa: string) => `${sa}.${NAMESPACE}.serviceaccount.identity.linkerd.cluster.local`;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const BIN = {
  identity: here('../../../../apps/identity/dist/main.js'),
  proxy: here('../../../../apps/proxy/dist/main.js'),
  backend: here('./backend-server.ts'),
  heapReporter: here('./heap-reporter.ts'),
};

/** The running soak mesh: identity service, backend, and the client's and server's proxies. */
export interface SoakMesh {
  identity: RunningProcess;
  backend: RunningProcess;
  /** Proxy A: the client's outbound proxy. */
  outboundProxy: RunningProcess;
  /** Proxy B: the server's inbound proxy. */
  inboundProxy: RunningProcess;
  /** Where the client sends mesh traffic (proxy A's outbound listener). */
  meshOrigin: string;
  /** Where the direct baseline goes (the backend itself). */
  directOrigin: string;
  /** `Host` of direct requests. */
  directHost: string;
  /** Stops every process and removes the temporary directory. */
  close(): Promise<void>;
}

/** Options of {@link startSoakMesh}. */
export interface SoakMeshOptions {
  bodyBytes: number;
  /** Extra `node` arguments for both proxies. */
  proxyNodeArgs: string[];
  /** The `skein-proxy` entry point; default `apps/proxy/dist/main.js`. */
  proxyBin?: string | undefined;
  /** Preload the heap reporter into both proxies, printing every this many ms. */
  heapIntervalMs?: number | undefined;
  /** How long each process may take to become ready. */
  readyTimeoutMs?: number;
}

interface ProxyAddresses {
  outbound: Array<{ ip: string; port: number }>;
  inbound: { ip: string; port: number };
  admin: { ip: string; port: number };
}

async function waitReady(admin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${admin}/ready`);
      last = `${res.status} ${(await res.text()).trim()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new ProcessError(
    `proxy at ${admin} not ready (certified) within ${timeoutMs} ms; last /ready: ${last}`,
    '',
  );
}

/**
 * Starts the soak's mesh as real processes: `skein-identity` with a fresh trust anchor, issuer
 * and static tokens; a backend on the server's address; `skein-proxy` B (inbound) and A
 * (outbound, with a static discovery file naming B's identity and inbound port). Resolves once
 * both proxies report ready, i.e. hold certificates. Needs `apps/identity` and `apps/proxy` built.
 */
export async function startSoakMesh(options: SoakMeshOptions): Promise<SoakMesh> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  for (const [what, file] of [
    ['skein-identity', BIN.identity],
    ['skein-proxy', options.proxyBin ?? BIN.proxy],
  ] as const) {
    if (!existsSync(file)) {
      throw new SkeinError(
        'ERR_SKEIN_SOAK_SETUP',
        `${what} not found at ${file}: build it first (npx turbo run build --filter=@skein/app-proxy --filter=@skein/app-identity)`,
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'skein-soak-'));
  const started: RunningProcess[] = [];
  const close = async () => {
    await Promise.all(started.reverse().map((p) => p.close(3_000)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const anchor = generateTrustAnchor();
    const issuer = generateIssuer(anchor);
    mkdirSync(join(dir, 'issuer'));
    writeFileSync(join(dir, 'issuer', 'crt.pem'), issuer.certificatePem);
    writeFileSync(join(dir, 'issuer', 'key.pem'), issuer.keyPem);
    writeFileSync(join(dir, 'anchors.pem'), anchor.certificatePem);
    writeFileSync(
      join(dir, 'tokens.txt'),
      `token-client ${NAMESPACE}/client\ntoken-server ${NAMESPACE}/server\n`,
    );
    const node = process.execPath;
    const identity = await runProcess({
      command: node,
      args: [
        BIN.identity,
        ...['--addr', '127.0.0.1:0', '--admin-addr', '127.0.0.1:0'],
        ...['--issuer-dir', join(dir, 'issuer'), '--trust-anchors-file', join(dir, 'anchors.pem')],
        ...['--static-tokens-file', join(dir, 'tokens.txt')],
      ],
      env: { PATH: process.env.PATH },
      ready: /listening: certify [^ ]+:(\d+)/,
      readyTimeoutMs,
    });
    started.push(identity);
    const identityAddr = `127.0.0.1:${identity.readyMatch![1]}`;
    const backend = await runProcess({
      command: node,
      args: [BIN.backend, SERVER_IP, String(options.bodyBytes)],
      env: { PATH: process.env.PATH },
      ready: /soak-backend listening ([\d.]+:\d+)/,
      readyTimeoutMs,
    });
    started.push(backend);
    const backendAddr = backend.readyMatch![1]!;

    const startProxy = async (ip: string, sa: string, extra: Record<string, string>) => {
      const idDir = join(dir, `identity-${sa}`);
      mkdirSync(idDir);
      writeFileSync(join(dir, `token-${sa}`), `token-${sa}`);
      const heap =
        options.heapIntervalMs === undefined
          ? { args: [], env: {} }
          : {
              args: ['--import', BIN.heapReporter],
              env: { SKEIN_SOAK_HEAP_INTERVAL_MS: String(options.heapIntervalMs) },
            };
      const proxy = await runProcess({
        command: node,
        args: [...heap.args, ...options.proxyNodeArgs, options.proxyBin ?? BIN.proxy],
        env: {
          PATH: process.env.PATH,
          ...heap.env,
          LINKERD2_PROXY_LOG: 'warn',
          LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `${ip}:0`,
          LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `${ip}:0`,
          LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `${ip}:0`,
          SKEIN_PROXY_OUTBOUND_BIND_IP: ip,
          LINKERD2_PROXY_IDENTITY_SVC_ADDR: identityAddr,
          LINKERD2_PROXY_IDENTITY_DIR: idDir,
          LINKERD2_PROXY_IDENTITY_TOKEN_FILE: join(dir, `token-${sa}`),
          LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: anchor.certificatePem,
          LINKERD2_PROXY_IDENTITY_LOCAL_NAME: identityName(sa),
          ...extra,
        },
        ready: /skein-proxy ready: (\{.*\})/,
        readyTimeoutMs,
      });
      started.push(proxy);
      const addresses = JSON.parse(proxy.readyMatch![1]!) as ProxyAddresses;
      await waitReady(`http://${ip}:${addresses.admin.port}`, readyTimeoutMs);
      return { proxy, addresses };
    };

    const b = await startProxy(SERVER_IP, 'server', {});
    const discovery = join(dir, 'discovery.yaml');
    writeFileSync(
      discovery,
      `authorities:
  ${BACKEND_AUTHORITY}:80:
    labels: { namespace: ${NAMESPACE}, service: backend }
    endpoints:
      - { address: "${backendAddr}", identity: ${identityName('server')}, opaqueTransportPort: ${b.addresses.inbound.port}, protocolHint: h2, labels: { pod: backend-0 } }
`,
    );
    const a = await startProxy(CLIENT_IP, 'client', { SKEIN_PROXY_DISCOVERY_FILE: discovery });
    return {
      identity,
      backend,
      outboundProxy: a.proxy,
      inboundProxy: b.proxy,
      meshOrigin: `http://${CLIENT_IP}:${a.addresses.outbound[0]!.port}`,
      directOrigin: `http://${backendAddr}`,
      directHost: backendAddr,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
