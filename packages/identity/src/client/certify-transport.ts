import {
  type ChannelCredentials,
  type ClientOptions,
  credentials,
  Metadata,
  makeGenericClientConstructor,
} from '@grpc/grpc-js';
import { isLoopback, parseAddr } from '@skein/core';
import { type IdentityClient, identityService, timestampToDate } from '@skein/core/proto';
import type { CertifyRequest, CertifyResult } from '../certify/certify-service.js';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { clientTlsContext } from '../tls/tls-settings.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';

/** Sends one Certify request; the identity client calls it on every refresh. */
export type CertifyFunction = (request: CertifyRequest) => Promise<CertifyResult>;

/** Options of {@link grpcCertify}. */
export interface GrpcCertifyOptions {
  /** `host:port` of the identity service (`LINKERD2_PROXY_IDENTITY_SVC_ADDR`). */
  address: string;
  /**
   * The identity service's TLS name (`LINKERD2_PROXY_IDENTITY_SVC_NAME`): SNI and the SAN its
   * certificate must carry. Ignored for a loopback address, which is plaintext as in linkerd2-proxy.
   */
  serverName?: string;
  /** Anchors the server's certificate must chain to (required with `serverName`). */
  trustAnchors?: TrustAnchors;
  /** Use TLS. Default: true unless the address is loopback (linkerd2-proxy's rule). */
  tls?: boolean;
  /** Deadline of each call (ms). Default: 10 s. */
  timeoutMs?: number;
}

/** A Certify function and the channel behind it. */
export interface GrpcCertify {
  /** Sends a request. */
  readonly certify: CertifyFunction;
  /** Closes the channel. */
  close(): void;
}

function isLoopbackAddress(address: string): boolean {
  try {
    return isLoopback(parseAddr(address));
  } catch {
    return address.startsWith('localhost:');
  }
}

/**
 * A Certify function over gRPC. A non-loopback address is reached over TLS 1.3 without a client
 * certificate (the proxy has none yet), verifying the server against the anchors and its SAN
 * against `serverName`.
 */
export function grpcCertify(options: GrpcCertifyOptions): GrpcCertify {
  const Client = makeGenericClientConstructor(identityService, 'Identity');
  let channelCredentials: ChannelCredentials = credentials.createInsecure();
  const clientOptions: ClientOptions = {};
  if (options.tls ?? !isLoopbackAddress(options.address)) {
    if (options.serverName === undefined || options.trustAnchors === undefined) {
      throw new IdentityError(
        IdentityErrorCode.Certify,
        `identity service ${options.address}: serverName and trustAnchors are required for TLS (a non-loopback address)`,
      );
    }
    const expected = options.serverName;
    channelCredentials = credentials.createFromSecureContext(
      clientTlsContext(options.trustAnchors, undefined),
      {
        checkServerIdentity: (_host, cert) =>
          cert.subjectaltname?.split(', ').includes(`DNS:${expected}`)
            ? undefined
            : new IdentityError(
                IdentityErrorCode.Identity,
                `identity service: expected the server identity "${expected}", got ${cert.subjectaltname ?? 'no SAN'}`,
              ),
      },
    );
    clientOptions['grpc.ssl_target_name_override'] = expected;
    clientOptions['grpc.default_authority'] = expected;
  }
  const client = new Client(options.address, channelCredentials, clientOptions) as unknown as IdentityClient;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    certify: (request) =>
      new Promise<CertifyResult>((resolve, reject) => {
        client.certify(request, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
          if (err !== null || res === undefined) {
            reject(
              new IdentityError(
                IdentityErrorCode.Certify,
                `Certify failed: ${err?.message ?? 'no response'}`,
                {
                  cause: err,
                },
              ),
            );
            return;
          }
          if (res.validUntil === null || res.validUntil === undefined) {
            reject(new IdentityError(IdentityErrorCode.Certify, 'Certify response has no valid_until'));
            return;
          }
          resolve({
            leafCertificate: res.leafCertificate,
            intermediateCertificates: res.intermediateCertificates,
            validUntil: timestampToDate(res.validUntil),
          });
        });
      }),
    close: () => client.close(),
  };
}
