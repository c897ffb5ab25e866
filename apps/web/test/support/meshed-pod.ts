import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CertifyServer,
  CertifyService,
  generateIssuer,
  generateTrustAnchor,
  issuerFromPem,
  startCertifyServer,
  TokenRejectedError,
  TrustAnchors,
} from '@skein/identity';
import { readProxyConfig, SkeinProxy } from '@skein/proxy';

/** An identity service with a fresh trust anchor and issuer, accepting tokens it handed out. */
export interface LocalIdentity {
  readonly address: string;
  readonly anchorsPem: string;
  /** Writes a token file for `namespace/serviceAccount` and returns its path. */
  tokenFile(namespace: string, serviceAccount: string): string;
  close(): Promise<void>;
}

/** The mTLS identity name of a service account. */
export function identityName(namespace: string, serviceAccount: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.cluster.local`;
}

/** Starts the Certify service on loopback with a freshly generated trust anchor and issuer. */
export async function startLocalIdentity(dir: string): Promise<LocalIdentity> {
  const anchor = generateTrustAnchor();
  const issuer = generateIssuer(anchor);
  const tokens = new Map<string, { namespace: string; serviceAccount: string }>();
  const service = new CertifyService({
    trustAnchors: TrustAnchors.fromPem(anchor.certificatePem, 'dashboard test anchors'),
    validator: {
      validate: async (token: Uint8Array) => {
        const subject = tokens.get(Buffer.from(token).toString('utf8').trim());
        if (subject === undefined) throw new TokenRejectedError('unauthenticated', 'unknown test token');
        return subject;
      },
    },
    issuer: issuerFromPem({ certificatePem: issuer.certificatePem, keyPem: issuer.keyPem }),
  });
  const server: CertifyServer = await startCertifyServer(service, '127.0.0.1:0');
  return {
    address: `127.0.0.1:${server.port}`,
    anchorsPem: anchor.certificatePem,
    tokenFile(namespace, serviceAccount) {
      const token = `token-${serviceAccount}-${tokens.size}`;
      tokens.set(token, { namespace, serviceAccount });
      const file = join(dir, `${token}.txt`);
      writeFileSync(file, token);
      return file;
    },
    close: () => server.close(100),
  };
}

/** A "pod" of the local mesh: its own loopback IP and a Skein proxy with identity, serving tap. */
export interface MeshedPod {
  readonly name: string;
  readonly deployment: string;
  readonly ip: string;
  readonly proxy: SkeinProxy;
  /** The proxy's outbound port, where the pod's app sends its requests (explicit mode). */
  readonly outboundPort: number;
  /** The proxy's inbound port, where peers' proxies connect with the transport header. */
  readonly inboundPort: number;
  /** `ip:port` of the proxy's admin server (`/metrics`). */
  readonly adminAddress: string;
  /** `ip:port` of the proxy's tap (control) server. */
  readonly tapAddress: string;
  close(): Promise<void>;
}

/**
 * Starts a meshed pod: a SkeinProxy listening on `ip` (ephemeral ports), certified by `identity`,
 * resolving names through the destination service at `destination`, serving tap on its control
 * port to loopback callers.
 */
export async function startMeshedPod(options: {
  name: string;
  deployment: string;
  namespace: string;
  ip: string;
  identity: LocalIdentity;
  destination: string;
  dir: string;
}): Promise<MeshedPod> {
  const { identity, ip } = options;
  const config = readProxyConfig({
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `${ip}:0`,
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `${ip}:0`,
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `${ip}:0`,
    LINKERD2_PROXY_CONTROL_LISTEN_ADDR: `${ip}:0`,
    LINKERD2_PROXY_TAP_SVC_NAME: 'tap.linkerd-viz.serviceaccount.identity.linkerd.cluster.local',
    LINKERD2_PROXY_IDENTITY_SVC_ADDR: identity.address,
    LINKERD2_PROXY_IDENTITY_DIR: mkdtempSync(join(options.dir, `${options.name}-id-`)),
    LINKERD2_PROXY_IDENTITY_TOKEN_FILE: identity.tokenFile(options.namespace, options.deployment),
    LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: identity.anchorsPem,
    LINKERD2_PROXY_IDENTITY_LOCAL_NAME: identityName(options.namespace, options.deployment),
    LINKERD2_PROXY_DESTINATION_SVC_ADDR: options.destination,
    LINKERD2_PROXY_DESTINATION_CONTEXT: JSON.stringify({
      ns: options.namespace,
      nodeName: 'local',
      pod: options.name,
    }),
  });
  const proxy = await SkeinProxy.start({ config });
  const deadline = Date.now() + 10_000;
  while (!proxy.ready) {
    if (Date.now() > deadline) {
      await proxy.shutdown(100);
      throw new Error(`the proxy of ${options.name} was not certified within 10s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const control = proxy.addresses.control;
  if (control === undefined) {
    await proxy.shutdown(100);
    throw new Error(
      `the proxy of ${options.name} serves no tap: LINKERD2_PROXY_TAP_SVC_NAME was not honoured`,
    );
  }
  return {
    name: options.name,
    deployment: options.deployment,
    ip,
    proxy,
    outboundPort: proxy.addresses.outbound[0]!.port,
    inboundPort: proxy.addresses.inbound.port,
    adminAddress: `${ip}:${proxy.addresses.admin.port}`,
    tapAddress: `${ip}:${control.port}`,
    close: () => proxy.shutdown(300),
  };
}
