import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { readProxyConfig, SkeinProxy } from '@skein/proxy';
import { allocatePort, type RunningProcess, runProcess, waitFor } from '@skein/testkit';

const APPS = fileURLToPath(new URL('../../../../apps/', import.meta.url));

/** A real meshed proxy in the lab, and the pod it stands for. */
export interface LabProxy {
  readonly proxy: SkeinProxy;
  readonly ip: string;
  readonly namespace: string;
  readonly pod: string;
  readonly deployment: string;
}

/** Identity of a service account in the lab's mesh. */
export function identityName(namespace: string, serviceAccount: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.cluster.local`;
}

/** Starts an HTTP server on `ip` (ephemeral port). */
export async function listen(ip: string, handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  server.listen(0, ip);
  await once(server, 'listening');
  return server;
}

/** The port of a listening server. */
export const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The lab: the real `skein-identity` and `skein-destination` apps as processes (static tokens,
 * static discovery), and helpers to start meshed Skein proxies certified by that identity service.
 */
export class MeshLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'skein-install-lab-'));
  readonly anchor = generateTrustAnchor({ commonName: 'root.linkerd.cluster.local' });
  readonly processes: RunningProcess[] = [];
  readonly proxies: LabProxy[] = [];
  identityAddr = '';
  identityAdmin = 0;
  destinationAdmin = 0;
  readonly #tokens: string[] = [];

  /** Starts skein-identity on `identityIp` and skein-destination (admin on `destinationIp`). */
  async startControlPlane(
    identityIp: string,
    destinationIp: string,
    accounts: readonly string[],
  ): Promise<void> {
    const issuer = generateIssuer(this.anchor);
    const issuerDir = join(this.dir, 'issuer');
    mkdirSync(issuerDir);
    writeFileSync(join(issuerDir, 'crt.pem'), issuer.certificatePem);
    writeFileSync(join(issuerDir, 'key.pem'), issuer.keyPem);
    writeFileSync(join(this.dir, 'anchors.pem'), this.anchor.certificatePem);
    for (const account of accounts) this.#tokens.push(`token-${account.replace('/', '-')} ${account}`);
    writeFileSync(join(this.dir, 'tokens.txt'), `${this.#tokens.join('\n')}\n`);
    const [grpc, admin, dstGrpc, dstAdmin] = [
      await allocatePort(),
      await allocatePort(),
      await allocatePort(),
      await allocatePort(),
    ];
    this.identityAddr = `${identityIp}:${grpc}`;
    this.identityAdmin = admin;
    this.destinationAdmin = dstAdmin;
    writeFileSync(join(this.dir, 'destination.yaml'), 'authorities: {}\n');
    this.processes.push(
      await runProcess({
        command: process.execPath,
        args: [
          join(APPS, 'identity/dist/main.js'),
          `--addr=${this.identityAddr}`,
          `--admin-addr=${identityIp}:${admin}`,
          `--issuer-dir=${issuerDir}`,
          `--trust-anchors-file=${join(this.dir, 'anchors.pem')}`,
          `--static-tokens-file=${join(this.dir, 'tokens.txt')}`,
          '--log=warn',
        ],
      }),
      await runProcess({
        command: process.execPath,
        args: [
          join(APPS, 'destination/dist/main.js'),
          `-addr=127.0.0.1:${dstGrpc}`,
          `-admin-addr=${destinationIp}:${dstAdmin}`,
          `-static-file=${join(this.dir, 'destination.yaml')}`,
          '-policy-addr=127.0.0.1:0',
          '-log-level=warn',
        ],
      }),
    );
    await waitFor(() => httpOk(`http://${identityIp}:${admin}/ready`), {
      timeoutMs: 15_000,
      what: 'skein-identity ready',
    });
    await waitFor(() => httpOk(`http://${destinationIp}:${dstAdmin}/ready`), {
      timeoutMs: 15_000,
      what: 'skein-destination ready',
    });
  }

  /** Starts a meshed proxy on `ip` for `namespace/serviceAccount`, with a static discovery file. */
  async startProxy(options: {
    ip: string;
    namespace: string;
    serviceAccount: string;
    deployment: string;
    pod: string;
    discovery?: string;
  }): Promise<LabProxy> {
    const tokenFile = join(this.dir, `token-${options.pod}`);
    writeFileSync(tokenFile, `token-${options.namespace}-${options.serviceAccount}`);
    const identityDir = join(this.dir, `id-${options.pod}`);
    mkdirSync(identityDir);
    const env: Record<string, string> = {
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `${options.ip}:0`,
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `${options.ip}:0`,
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `${options.ip}:0`,
      LINKERD2_PROXY_IDENTITY_SVC_ADDR: this.identityAddr,
      LINKERD2_PROXY_IDENTITY_DIR: identityDir,
      LINKERD2_PROXY_IDENTITY_TOKEN_FILE: tokenFile,
      LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: this.anchor.certificatePem,
      LINKERD2_PROXY_IDENTITY_LOCAL_NAME: identityName(options.namespace, options.serviceAccount),
    };
    if (options.discovery !== undefined) {
      const file = join(this.dir, `discovery-${options.pod}.yaml`);
      writeFileSync(file, options.discovery);
      env.SKEIN_PROXY_DISCOVERY_FILE = file;
    }
    const proxy = await SkeinProxy.start({ config: readProxyConfig(env) });
    await waitFor(() => proxy.ready, { timeoutMs: 10_000, what: `proxy ${options.pod} certified` });
    const lab = {
      proxy,
      ip: options.ip,
      namespace: options.namespace,
      pod: options.pod,
      deployment: options.deployment,
    };
    this.proxies.push(lab);
    return lab;
  }

  async close(): Promise<void> {
    for (const p of this.proxies) await p.proxy.shutdown(200).catch(() => {});
    for (const p of this.processes) await p.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** GET through a proxy's outbound listener with an explicit Host (fetch cannot set Host). */
export function getVia(
  ip: string,
  port: number,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: ip, port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
