import type { Logger } from '@skein/core';
import { IdentityCertMetrics } from '@skein/core';
import type { ControlPlaneChannel, MeshTlsDialer, MeshTlsServer, WorkloadIdentity } from '@skein/identity';
import type { IdentityConfig } from '../config/proxy-config.js';
import type { ProxyMetrics } from '../metrics/proxy-metrics.js';

/** The proxy's identity: its certificate (obtained and rotated), and mesh TLS on both sides. */
export interface ProxyIdentity {
  /** This proxy's identity (and the SNI its inbound side answers to). */
  readonly localName: string;
  /** The identity client (credentials as an Observable, readiness). */
  readonly workload: WorkloadIdentity;
  /** Terminates inbound mTLS with the current certificate. */
  readonly server: MeshTlsServer;
  /** Dials meshed endpoints with mTLS, verifying their identity. */
  readonly dialer: MeshTlsDialer;
  /** Whether a certificate has been obtained. */
  isReady(): boolean;
  /** The current certificate chain (leaf first) as PEM, once certified. */
  certificatePem(): string | undefined;
  /** mTLS gRPC credentials for a control-plane service whose identity is `serverName`. */
  controlPlane(serverName: string): ControlPlaneChannel;
  /** Stops refreshing. */
  close(): void;
}

/**
 * Starts the identity client from `LINKERD2_PROXY_IDENTITY_*` settings: loads (or generates) the
 * key and CSR, calls Certify with the token file, and refreshes at 70% of the certificate's
 * remaining life. `@skein/identity` is loaded here, on demand, so a proxy without identity
 * never pays for the X.509 and gRPC code.
 */
export async function startProxyIdentity(
  config: IdentityConfig,
  options: { metrics: ProxyMetrics; logger: Logger },
): Promise<ProxyIdentity> {
  const id = await import('@skein/identity');
  const trustAnchors = id.TrustAnchors.fromPem(
    config.trustAnchorsPem,
    'LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS',
  );
  let keyMaterial: Awaited<ReturnType<typeof id.loadKeyMaterial>>;
  try {
    keyMaterial = await id.loadKeyMaterial(config.dir);
  } catch {
    // linkerd2-proxy's entrypoint writes key.p8/csr.der; without them, generate a fresh key.
    keyMaterial = await id.generateKeyMaterial(config.localName);
  }
  const addr = config.svc.addr;
  const address = addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
  const metrics = new IdentityCertMetrics();
  options.metrics.add(metrics);
  const channel = id.grpcCertify({
    address,
    ...(config.svc.name === undefined ? {} : { serverName: config.svc.name }),
    trustAnchors,
  });
  const workload = new id.WorkloadIdentity({
    localName: config.localName,
    trustAnchors,
    keyMaterial,
    certify: channel.certify,
    token: config.tokenFile,
    minRefreshMs: config.minRefreshMs,
    maxRefreshMs: config.maxRefreshMs,
    logger: options.logger.child({ target: 'skein::proxy::identity' }),
    metrics,
  });
  workload.start();
  const server = new id.MeshTlsServer(workload, { alpnProtocols: ['transport.l5d.io/v1', 'h2', 'http/1.1'] });
  const dialer = new id.MeshTlsDialer(workload, { trustAnchors });
  return {
    localName: config.localName,
    workload,
    server,
    dialer,
    isReady: () => workload.isReady,
    certificatePem: () => workload.current?.certificatePem,
    controlPlane: (serverName) =>
      id.controlPlaneCredentials({ trustAnchors, credentials$: workload.credentials$ }, serverName),
    close: () => {
      workload.close();
      channel.close();
    },
  };
}
