import { status } from '@grpc/grpc-js';
import { type Logger, nullLogger, SkeinError } from '@skein/core';
import { type IdentityHandlers, timestampFromDate } from '@skein/core/proto';
import { CertificateAuthority } from '../ca/certificate-authority.js';
import { checkCsr } from '../ca/check-csr.js';
import { type IssuerCredentials, verifyIssuer } from '../ca/issuer-credentials.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import { parseCsr } from '../x509/csr.js';
import type { CertifyMetrics } from './certify-metrics.js';
import { serviceAccountIdentity, TokenRejectedError, type TokenValidator } from './token-validator.js';

/** A Certify request as plain values. */
export interface CertifyRequest {
  /** The identity asked for. */
  identity: string;
  /** The service account token (bytes of the token file). */
  token: Uint8Array;
  /** The DER CSR. */
  certificateSigningRequest: Uint8Array;
}

/** A Certify answer as plain values. */
export interface CertifyResult {
  /** The leaf (DER). */
  leafCertificate: Uint8Array;
  /** The issuer chain (DER). */
  intermediateCertificates: Uint8Array[];
  /** The leaf's not-after. */
  validUntil: Date;
}

/** Events the service reports, named after Linkerd's Kubernetes events. */
export type CertifyEvent =
  | { type: 'IssuedLeafCertificate'; identity: string; serial: bigint; validUntil: Date }
  | { type: 'IssuerUpdated'; issuer: string; notAfter: Date }
  | { type: 'IssuerUpdateSkipped'; error: Error };

/** A refused Certify call, with the gRPC status it is answered with. */
export class CertifyRejectedError extends SkeinError {
  /** The gRPC status code. */
  readonly grpcCode: status;

  constructor(grpcCode: status, message: string, options?: { cause?: unknown }) {
    super('ERR_SKEIN_IDENTITY_CERTIFY', message, options);
    this.grpcCode = grpcCode;
  }
}

/** Options of {@link CertifyService}. */
export interface CertifyServiceOptions {
  /** Anchors the issuer must chain to. */
  trustAnchors: TrustAnchors;
  /** Authenticates tokens. */
  validator: TokenValidator;
  /** Trust domain. Default: `cluster.local`. */
  trustDomain?: string;
  /** Control-plane namespace. Default: `linkerd`. */
  controlPlaneNamespace?: string;
  /** The first issuer; without it Certify answers Unavailable until {@link CertifyService.setIssuer}. */
  issuer?: IssuerCredentials;
  /** Certificate lifetime (ms). Default: 24 h. */
  lifetimeMs?: number;
  /** Clock-skew allowance (ms). Default: 20 s. */
  clockSkewMs?: number;
  /** Clock (ms since the epoch). Default: `Date.now`. */
  now?: () => number;
  /** Logger. Default: silent. */
  logger?: Logger;
  /** Metrics; none by default. */
  metrics?: CertifyMetrics;
  /** Called for every {@link CertifyEvent}. */
  onEvent?: (event: CertifyEvent) => void;
}

/**
 * Linkerd's identity service: `Certify` checks the request in Linkerd's order and with its status
 * codes (spec control-plane §6), then issues a leaf.
 *
 * 1. no issuer → Unavailable; empty identity, token or CSR → InvalidArgument; issuer no longer
 *    valid against the anchors → Unavailable;
 * 2. unparsable CSR → InvalidArgument; CSR rules broken → FailedPrecondition;
 * 3. token: review error → InvalidArgument, unauthenticated → FailedPrecondition, validator
 *    unreachable → Unavailable;
 * 4. identity ≠ the token's service account identity → FailedPrecondition;
 * 5. issue.
 *
 * @example
 * ```ts
 * const service = new CertifyService({ trustAnchors, validator, issuer });
 * const server = new Server();
 * server.addService(identityService, service.handlers());
 * ```
 */
export class CertifyService {
  readonly #anchors: TrustAnchors;
  readonly #validator: TokenValidator;
  readonly #trustDomain: string;
  readonly #namespace: string;
  readonly #lifetimeMs: number | undefined;
  readonly #skewMs: number | undefined;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #metrics: CertifyMetrics | undefined;
  readonly #onEvent: (event: CertifyEvent) => void;
  #ca: CertificateAuthority | undefined;

  constructor(options: CertifyServiceOptions) {
    this.#anchors = options.trustAnchors;
    this.#validator = options.validator;
    this.#trustDomain = options.trustDomain ?? 'cluster.local';
    this.#namespace = options.controlPlaneNamespace ?? 'linkerd';
    this.#lifetimeMs = options.lifetimeMs;
    this.#skewMs = options.clockSkewMs;
    this.#now = options.now ?? Date.now;
    this.#log = options.logger ?? nullLogger;
    this.#metrics = options.metrics;
    this.#onEvent = options.onEvent ?? (() => {});
    if (options.issuer !== undefined) this.setIssuer(options.issuer);
  }

  /** The CA in use, if an issuer is loaded. */
  get authority(): CertificateAuthority | undefined {
    return this.#ca;
  }

  /**
   * Replaces the issuer after checking it chains to the anchors; a refused issuer leaves the
   * current one in place (event `IssuerUpdateSkipped`).
   * @returns whether the issuer was taken.
   */
  setIssuer(issuer: IssuerCredentials): boolean {
    try {
      verifyIssuer(issuer, this.#anchors, this.#now());
    } catch (err) {
      this.#log.warn({ err }, 'issuer update skipped');
      this.#metrics?.issuerUpdateSkipped();
      this.#onEvent({ type: 'IssuerUpdateSkipped', error: err as Error });
      return false;
    }
    this.#ca = new CertificateAuthority({
      issuer,
      now: this.#now,
      ...(this.#lifetimeMs === undefined ? {} : { lifetimeMs: this.#lifetimeMs }),
      ...(this.#skewMs === undefined ? {} : { clockSkewMs: this.#skewMs }),
    });
    const name = issuer.certificate.subjectCommonName ?? '';
    this.#log.info({ issuer: name, notAfter: issuer.certificate.notAfter.toISOString() }, 'issuer updated');
    this.#metrics?.issuerUpdated(this.#ca.issuerExpiry);
    this.#onEvent({ type: 'IssuerUpdated', issuer: name, notAfter: issuer.certificate.notAfter });
    return true;
  }

  /**
   * Handles one Certify request.
   * @throws {@link CertifyRejectedError} carrying the gRPC status.
   */
  async certify(request: CertifyRequest): Promise<CertifyResult> {
    try {
      return await this.#certify(request);
    } catch (err) {
      if (err instanceof CertifyRejectedError) this.#metrics?.failed(status[err.grpcCode]);
      throw err;
    }
  }

  async #certify(request: CertifyRequest): Promise<CertifyResult> {
    const ca = this.#ca;
    if (ca === undefined) throw new CertifyRejectedError(status.UNAVAILABLE, 'no issuer is loaded yet');
    const missing = [
      request.identity === '' ? 'identity' : '',
      request.token.byteLength === 0 ? 'token' : '',
      request.certificateSigningRequest.byteLength === 0 ? 'certificate_signing_request' : '',
    ].filter((f) => f !== '');
    if (missing.length > 0) {
      throw new CertifyRejectedError(
        status.INVALID_ARGUMENT,
        `missing required fields: ${missing.join(', ')}`,
      );
    }
    const now = this.#now();
    const issuer = ca.issuer.certificate;
    if (now < issuer.notBefore.getTime() || now > ca.issuerExpiry.getTime()) {
      throw new CertifyRejectedError(
        status.UNAVAILABLE,
        `the issuer certificate "${issuer.subjectCommonName ?? ''}" is not valid now (valid ${issuer.notBefore.toISOString()} to ${ca.issuerExpiry.toISOString()})`,
      );
    }
    let csr: ReturnType<typeof parseCsr>;
    try {
      csr = parseCsr(request.certificateSigningRequest);
    } catch (err) {
      throw new CertifyRejectedError(status.INVALID_ARGUMENT, (err as Error).message, { cause: err });
    }
    try {
      checkCsr(csr, request.identity);
    } catch (err) {
      throw new CertifyRejectedError(status.FAILED_PRECONDITION, (err as Error).message, { cause: err });
    }
    let subject: Awaited<ReturnType<TokenValidator['validate']>>;
    try {
      subject = await this.#validator.validate(request.token);
    } catch (err) {
      const reason = err instanceof TokenRejectedError ? err.reason : 'unavailable';
      const code =
        reason === 'invalid'
          ? status.INVALID_ARGUMENT
          : reason === 'unauthenticated'
            ? status.FAILED_PRECONDITION
            : status.UNAVAILABLE;
      this.#log.info({ identity: request.identity, err }, 'token refused');
      throw new CertifyRejectedError(code, (err as Error).message, { cause: err });
    }
    const tokenIdentity = serviceAccountIdentity(subject, this.#namespace, this.#trustDomain);
    if (tokenIdentity !== request.identity) {
      throw new CertifyRejectedError(
        status.FAILED_PRECONDITION,
        `requested identity "${request.identity}" does not match the token's identity "${tokenIdentity}"`,
      );
    }
    const issued = ca.issue(csr);
    this.#metrics?.issued();
    this.#log.debug({ identity: request.identity, serial: issued.serial.toString() }, 'issued certificate');
    this.#onEvent({
      type: 'IssuedLeafCertificate',
      identity: request.identity,
      serial: issued.serial,
      validUntil: issued.validUntil,
    });
    return {
      leafCertificate: issued.leaf,
      intermediateCertificates: issued.intermediates,
      validUntil: issued.validUntil,
    };
  }

  /** grpc-js handlers for `identityService` from `@skein/core/proto`. */
  handlers(): IdentityHandlers {
    return {
      certify: (call, callback) => {
        const req = call.request;
        this.certify({
          identity: req.identity ?? '',
          token: req.token ?? new Uint8Array(),
          certificateSigningRequest: req.certificateSigningRequest ?? new Uint8Array(),
        }).then(
          (res) =>
            callback(null, {
              leafCertificate: res.leafCertificate,
              intermediateCertificates: res.intermediateCertificates,
              validUntil: timestampFromDate(res.validUntil),
            }),
          (err: unknown) => {
            const code = err instanceof CertifyRejectedError ? err.grpcCode : status.INTERNAL;
            if (code === status.INTERNAL) this.#log.error({ err }, 'certify failed');
            callback({ code, details: (err as Error).message });
          },
        );
      },
    };
  }
}
