import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls, { type TLSSocket } from 'node:tls';
import {
  CertificateAuthority,
  CertifyService,
  encodePem,
  generateIssuer,
  generateKeyMaterial,
  generateTrustAnchor,
  issuerFromPem,
  parseCsr,
  startCertifyServer,
  TokenRejectedError,
  TrustAnchors,
} from '@skein/identity';
import { readProxyConfig, SkeinProxy } from '@skein/proxy';

/** The mesh identity of a service account in namespace `demo`. */
export function meshIdentity(serviceAccount: string): string {
  return `${serviceAccount}.demo.serviceaccount.identity.linkerd.cluster.local`;
}

/** Client credentials of a workload of the mesh, as PEM and as files (for python's ssl). */
export interface MeshCredentials {
  identity: string;
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

/**
 * A trust anchor, an issuer, and a Certify service issuing workload certificates for static
 * tokens: the identity control plane of a one-machine mesh. {@link credentials} issues a
 * certificate directly from the same issuer, for a test client posing as a meshed workload.
 */
export class AttackMesh {
  readonly dir = mkdtempSync(join(tmpdir(), 'skein-attack-mesh-'));
  readonly anchorsPem: string;
  readonly anchorsFile: string;
  readonly #ca: CertificateAuthority;
  readonly #service: CertifyService;
  readonly #tokens = new Map<string, string>();
  #server: Awaited<ReturnType<typeof startCertifyServer>> | undefined;

  constructor() {
    const anchor = generateTrustAnchor();
    const issuerPem = generateIssuer(anchor);
    const issuer = issuerFromPem({ certificatePem: issuerPem.certificatePem, keyPem: issuerPem.keyPem });
    this.anchorsPem = anchor.certificatePem;
    this.anchorsFile = join(this.dir, 'anchors.pem');
    writeFileSync(this.anchorsFile, this.anchorsPem);
    this.#ca = new CertificateAuthority({ issuer });
    this.#service = new CertifyService({
      trustAnchors: TrustAnchors.fromPem(anchor.certificatePem, 'attack mesh anchors'),
      validator: {
        validate: async (token: Uint8Array) => {
          const sa = this.#tokens.get(Buffer.from(token).toString('utf8').trim());
          if (sa === undefined) throw new TokenRejectedError('unauthenticated', 'unknown test token');
          return { namespace: 'demo', serviceAccount: sa };
        },
      },
      issuer,
    });
  }

  /** Starts the Certify service on an ephemeral loopback port; returns its address. */
  async start(): Promise<string> {
    this.#server = await startCertifyServer(this.#service, '127.0.0.1:0');
    return `127.0.0.1:${this.#server.port}`;
  }

  /** A certificate and key for `serviceAccount`, issued by the mesh's issuer. */
  credentials(serviceAccount: string): MeshCredentials {
    const identity = meshIdentity(serviceAccount);
    const key = generateKeyMaterial(identity);
    const issued = this.#ca.issue(parseCsr(key.csr));
    const certPem = [issued.leaf, ...issued.intermediates]
      .map((der) => encodePem('CERTIFICATE', der))
      .join('');
    const certFile = join(this.dir, `${serviceAccount}.crt`);
    const keyFile = join(this.dir, `${serviceAccount}.key`);
    writeFileSync(certFile, certPem);
    writeFileSync(keyFile, key.keyPem);
    return { identity, certPem, keyPem: key.keyPem, certFile, keyFile };
  }

  /**
   * Starts a meshed proxy for `serviceAccount` on `ip` (ephemeral ports), certified by this
   * mesh's identity service, and waits until it is ready.
   */
  async proxy(ip: string, serviceAccount: string, env: Record<string, string> = {}): Promise<SkeinProxy> {
    const token = `token-${serviceAccount}-${this.#tokens.size}`;
    this.#tokens.set(token, serviceAccount);
    const tokenFile = join(this.dir, `${token}.txt`);
    writeFileSync(tokenFile, token);
    const config = readProxyConfig({
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `${ip}:0`,
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `${ip}:0`,
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `${ip}:0`,
      LINKERD2_PROXY_IDENTITY_SVC_ADDR: `127.0.0.1:${this.#server!.port}`,
      LINKERD2_PROXY_IDENTITY_DIR: mkdtempSync(join(this.dir, 'id-')),
      LINKERD2_PROXY_IDENTITY_TOKEN_FILE: tokenFile,
      LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: this.anchorsPem,
      LINKERD2_PROXY_IDENTITY_LOCAL_NAME: meshIdentity(serviceAccount),
      ...env,
    });
    const proxy = await SkeinProxy.start({ config });
    const deadline = Date.now() + 10_000;
    while (!proxy.ready) {
      if (Date.now() > deadline) {
        await proxy.shutdown(100);
        throw new Error(`proxy ${serviceAccount} was not certified within 10 s`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return proxy;
  }

  async close(): Promise<void> {
    await this.#server?.close(100);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Opens mTLS to a meshed proxy's inbound port as `client` (or without a client certificate when
 * it is undefined), offering `alpn`. Resolves the socket once the handshake is done.
 */
export function meshTls(
  host: string,
  port: number,
  serverIdentity: string,
  anchorsPem: string,
  client: MeshCredentials | undefined,
  alpn: string[],
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: serverIdentity,
      ca: anchorsPem,
      minVersion: 'TLSv1.3',
      ALPNProtocols: alpn,
      checkServerIdentity: () => undefined,
      ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }),
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}
