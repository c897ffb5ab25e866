import { type ChannelCredentials, type ChannelOptions, experimental } from '@grpc/grpc-js';
import type { Observable, Subscription } from 'rxjs';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import type { WorkloadCredentials } from './workload-credentials.js';

type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

/** What {@link controlPlaneCredentials} needs from the workload's identity. */
export interface ControlPlaneIdentity {
  /** The anchors the control plane's certificate is verified against. */
  readonly trustAnchors: TrustAnchors;
  /** The workload's certificates, current first, then every renewal. */
  readonly credentials$: Observable<WorkloadCredentials>;
}

/** Channel credentials and options for a control-plane client, from {@link controlPlaneCredentials}. */
export interface ControlPlaneChannel {
  /** mTLS credentials presenting the workload's current certificate. */
  readonly credentials: ChannelCredentials;
  /** Sets the TLS server name (SNI) and `:authority` to the service's identity. */
  readonly channelOptions: ChannelOptions;
  /** Stops following renewals. */
  close(): void;
}

/**
 * gRPC channel credentials for the proxy's control-plane clients (destination, policy): mutual
 * TLS presenting the workload's certificate, verifying the server against the trust anchors and
 * its DNS SAN against `serverName` (`*_SVC_NAME`), as linkerd2-proxy does. Connections wait for
 * the first certificate; each renewal is used by the connections made after it (grpc-js
 * certificate providers), so a long-lived channel never presents an expired certificate.
 *
 * @example
 * ```ts
 * const cp = controlPlaneCredentials(identity, 'linkerd-destination.linkerd.serviceaccount.identity.linkerd.cluster.local');
 * const client = new DestinationClient({ address: 'linkerd-dst.linkerd.svc:8086', ...cp });
 * ```
 */
export function controlPlaneCredentials(
  identity: ControlPlaneIdentity,
  serverName: string,
): ControlPlaneChannel {
  const caListeners = new Set<CaListener>();
  const idListeners = new Set<IdentityListener>();
  const ca = { caCertificate: Buffer.from(identity.trustAnchors.pem) };
  let latest: { certificate: Buffer; privateKey: Buffer } | undefined;
  let subscription: Subscription | undefined = identity.credentials$.subscribe((c) => {
    latest = { certificate: Buffer.from(c.certificatePem), privateKey: Buffer.from(c.keyPem) };
    for (const l of idListeners) l(latest);
  });
  const provider: experimental.CertificateProvider = {
    addCaCertificateListener(listener) {
      caListeners.add(listener);
      listener(ca);
    },
    removeCaCertificateListener(listener) {
      caListeners.delete(listener);
    },
    addIdentityCertificateListener(listener) {
      idListeners.add(listener);
      if (latest !== undefined) listener(latest);
    },
    removeIdentityCertificateListener(listener) {
      idListeners.delete(listener);
    },
  };
  const credentials = experimental.createCertificateProviderChannelCredentials(provider, provider, {
    checkServerIdentity: (_host, cert) =>
      cert.subjectaltname?.split(', ').includes(`DNS:${serverName}`)
        ? undefined
        : new IdentityError(
            IdentityErrorCode.Identity,
            `control plane: expected the server identity "${serverName}", got ${cert.subjectaltname ?? 'no SAN'}`,
          ),
  });
  return {
    credentials,
    channelOptions: {
      'grpc.ssl_target_name_override': serverName,
      'grpc.default_authority': serverName,
    },
    close() {
      subscription?.unsubscribe();
      subscription = undefined;
    },
  };
}
