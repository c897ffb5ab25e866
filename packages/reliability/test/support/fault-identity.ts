import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CertificateAuthority,
  createMeshTlsServer,
  generateIssuer,
  generateKeyMaterial,
  generateTrustAnchor,
  issuerFromPem,
  MeshTlsDialer,
  parseCsr,
  readCertificate,
  TrustAnchors,
  type WorkloadCredentials,
  workloadCredentials,
} from '@skein/identity';
import { type RunningProcess, runProcess } from '@skein/testkit';
import { appMain } from './fault-proxy.js';

/** The mesh identity of service account `sa` in namespace `ns` (Linkerd's form). */
export function meshName(sa: string, ns: string): string {
  return `${sa}.${ns}.serviceaccount.identity.linkerd.cluster.local`;
}

/**
 * A mesh's trust material written to `dir` as skein-identity reads it (issuer directory, anchors
 * file, static tokens), plus an in-process CA on the same issuer for test peers' certificates.
 */
export interface MeshTrust {
  readonly anchorsPem: string;
  readonly trustAnchors: TrustAnchors;
  readonly issuerDir: string;
  readonly anchorsFile: string;
  readonly tokensFile: string;
  /** Credentials for `name`, issued now by the mesh's issuer, valid for `lifetimeMs`. */
  issue(name: string, lifetimeMs?: number): WorkloadCredentials;
}

/** Creates a trust anchor, an issuer and a token file (`<token> <ns>/<sa>` lines) in `dir`. */
export function createMeshTrust(dir: string, tokens: Record<string, string>): MeshTrust {
  const anchor = generateTrustAnchor();
  const issuer = generateIssuer(anchor);
  const issuerDir = join(dir, 'issuer');
  mkdirSync(issuerDir, { recursive: true });
  writeFileSync(join(issuerDir, 'crt.pem'), issuer.certificatePem);
  writeFileSync(join(issuerDir, 'key.pem'), issuer.keyPem);
  const anchorsFile = join(dir, 'ca-bundle.crt');
  writeFileSync(anchorsFile, anchor.certificatePem);
  const tokensFile = join(dir, 'tokens.txt');
  writeFileSync(
    tokensFile,
    Object.entries(tokens)
      .map(([token, sa]) => `${token} ${sa}\n`)
      .join(''),
  );
  const trustAnchors = TrustAnchors.fromPem(anchor.certificatePem, 'test anchors');
  const issuerCredentials = issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem });
  return {
    anchorsPem: anchor.certificatePem,
    trustAnchors,
    issuerDir,
    anchorsFile,
    tokensFile,
    issue(name, lifetimeMs = 3600_000) {
      const ca = new CertificateAuthority({ issuer: issuerCredentials, lifetimeMs });
      const key = generateKeyMaterial(name);
      const issued = ca.issue(parseCsr(key.csr));
      return workloadCredentials({
        localName: name,
        certificate: readCertificate(issued.leaf),
        intermediates: issued.intermediates.map((der) => readCertificate(der)),
        privateKey: key.privateKey,
        keyPem: key.keyPem,
        trustAnchors,
        validUntil: issued.validUntil,
      });
    },
  };
}

/** A running `skein-identity`. */
export interface IdentityProcess {
  readonly process: RunningProcess;
  /** Certify port. */
  readonly port: number;
  /** Kills it at once (SIGKILL). */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real `skein-identity` executable on `127.0.0.1:<port>` with static tokens, issuing
 * certificates of `lifetime` (Linkerd duration syntax) with no clock-skew allowance.
 */
export async function startIdentityProcess(
  trust: MeshTrust,
  port: number,
  lifetime: string,
): Promise<IdentityProcess> {
  const proc = await runProcess({
    command: process.execPath,
    args: [
      appMain('@skein/app-identity'),
      '--addr',
      `127.0.0.1:${port}`,
      '--admin-addr',
      '127.0.0.1:0',
      '--issuer-dir',
      trust.issuerDir,
      '--trust-anchors-file',
      trust.anchorsFile,
      '--static-tokens-file',
      trust.tokensFile,
      '--issuance-lifetime',
      lifetime,
      '--clock-skew-allowance',
      '0s',
    ],
    env: { PATH: process.env.PATH },
    ready: /listening: certify/,
    readyTimeoutMs: 30_000,
  });
  return {
    process: proc,
    port,
    async kill() {
      process.kill(-proc.pid, 'SIGKILL');
      await proc.exited;
    },
    async close() {
      await proc.close(2000);
    },
  };
}

/** A meshed workload (as its proxy would be): mTLS server answering HTTP/1, noting client identities. */
export interface MeshPeer {
  readonly port: number;
  /** Client identities of the requests served, in order. */
  readonly clients: Array<string | undefined>;
  /** mTLS handshakes refused (e.g. an expired client certificate), with the reason. */
  readonly refused: string[];
  close(): Promise<void>;
}

/** Starts a {@link MeshPeer} presenting `credentials`. */
export async function startMeshPeer(credentials: WorkloadCredentials): Promise<MeshPeer> {
  const clients: Array<string | undefined> = [];
  const refused: string[] = [];
  const app = http.createServer((req, res) => {
    const identity = (req.socket as unknown as { meshIdentity?: string }).meshIdentity;
    clients.push(identity);
    req.resume();
    res.end(`hello ${identity ?? 'anonymous'}`);
  });
  const server = createMeshTlsServer(
    { current: credentials },
    (conn) => {
      (conn.socket as unknown as { meshIdentity?: string }).meshIdentity = conn.peerIdentity;
      app.emit('connection', conn.socket);
    },
    { alpnProtocols: ['http/1.1'], onRejected: (err) => refused.push(err.message) },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    clients,
    refused,
    async close() {
      app.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Runs a mesh mTLS handshake with the proxy's inbound port as a meshed client would (verifying
 * that the proxy's certificate is valid and names `serverName`); resolves with 'ok' or the error.
 */
export async function meshHandshake(
  client: WorkloadCredentials,
  port: number,
  serverName: string,
): Promise<string> {
  const dialer = new MeshTlsDialer({ current: client });
  try {
    const tls = await dialer.connect({ host: '127.0.0.1', port, serverName });
    tls.destroy();
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}
