import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Logger, nullLogger } from '@skein/core';
import { BehaviorSubject, filter, firstValueFrom, type Observable } from 'rxjs';
import { IdentityError, IdentityErrorCode } from '../errors.js';
import { verifyChain, verifyIdentity } from '../trust/chain-verifier.js';
import type { TrustAnchors } from '../trust/trust-anchors.js';
import { readCertificate } from '../x509/certificate-info.js';
import type { CertifyFunction } from './certify-transport.js';
import type { KeyMaterial } from './key-material.js';
import { DEFAULT_MAX_REFRESH_MS, DEFAULT_MIN_REFRESH_MS, refreshDelayMs } from './refresh-delay.js';
import { type WorkloadCredentials, workloadCredentials } from './workload-credentials.js';

/** The certificate metrics the client updates; `IdentityCertMetrics` from `@skein/core` fits. */
export interface CertificateRefreshMetrics {
  /** A certificate was obtained: its expiry and the time (ms since the epoch). */
  certified(expiresAtMs: number, refreshedAtMs: number): void;
  /** A refresh failed. */
  refreshFailed(): void;
}

/** Options of {@link WorkloadIdentity}. */
export interface WorkloadIdentityOptions {
  /** The identity to obtain (`LINKERD2_PROXY_IDENTITY_LOCAL_NAME`). */
  localName: string;
  /** Anchors the returned chain must lead to (`LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS`). */
  trustAnchors: TrustAnchors;
  /** Key and CSR (see `generateKeyMaterial` / `loadKeyMaterial`). */
  keyMaterial: KeyMaterial;
  /** Sends Certify (see `grpcCertify`). */
  certify: CertifyFunction;
  /** The token file (`LINKERD2_PROXY_IDENTITY_TOKEN_FILE`), read again for every call; or a reader. */
  token: string | (() => Promise<Uint8Array>);
  /** Shortest wait before a refresh or retry (ms). Default: 10 s. */
  minRefreshMs?: number;
  /** Longest wait before a refresh (ms). Default: 24 h. */
  maxRefreshMs?: number;
  /** Interval of the "waiting for identity" warning until the first certificate (ms). Default: 15 s. */
  waitingWarningMs?: number;
  /** Clock (ms since the epoch). Default: `Date.now`. */
  now?: () => number;
  /** Logger. Default: silent. */
  logger?: Logger;
  /** Certificate metrics. */
  metrics?: CertificateRefreshMetrics;
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ format: 'der', type: 'spki' }).equals(b.export({ format: 'der', type: 'spki' }));
}

/**
 * The proxy's identity client: calls Certify with its CSR and token, checks the answer (chain to
 * the anchors, SAN = local name, our key), publishes the credentials, and refreshes at 70% of the
 * remaining lifetime (clamped to [min, max]); failures retry after `minRefreshMs`.
 *
 * @example
 * ```ts
 * const identity = new WorkloadIdentity({ localName, trustAnchors, keyMaterial: generateKeyMaterial(localName),
 *   certify: grpcCertify({ address, serverName, trustAnchors }).certify, token: tokenFile, logger });
 * identity.start();
 * await identity.ready();                       // serve only once certified
 * identity.credentials$.subscribe((c) => log.info({ until: c.validUntil }, 'certified'));
 * ```
 */
export class WorkloadIdentity {
  readonly #options: WorkloadIdentityOptions;
  readonly #subject = new BehaviorSubject<WorkloadCredentials | undefined>(undefined);
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #ourKey: KeyObject;
  #timer: NodeJS.Timeout | undefined;
  #warning: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;

  /** The current credentials and every renewal; late subscribers get the current one at once. */
  readonly credentials$: Observable<WorkloadCredentials>;

  constructor(options: WorkloadIdentityOptions) {
    this.#options = options;
    this.#log = options.logger ?? nullLogger;
    this.#now = options.now ?? Date.now;
    this.#ourKey = createPublicKey(options.keyMaterial.privateKey);
    this.credentials$ = this.#subject.pipe(filter((c): c is WorkloadCredentials => c !== undefined));
  }

  /** The current credentials, or `undefined` before the first certificate. */
  get current(): WorkloadCredentials | undefined {
    return this.#subject.value;
  }

  /**
   * True while a certificate is held and has not expired (the proxy's `/ready`): false before
   * the first, and again if refreshes kept failing until it expired.
   */
  get isReady(): boolean {
    const current = this.#subject.value;
    return current !== undefined && current.validUntil.getTime() > this.#now();
  }

  /** Resolves with the first credentials; rejects if closed before. */
  ready(): Promise<WorkloadCredentials> {
    return firstValueFrom(this.credentials$).catch(() => {
      throw new IdentityError(
        IdentityErrorCode.NotCertified,
        `identity client for "${this.#options.localName}" closed before it was certified`,
      );
    });
  }

  /** Starts certifying (the first call at once). Calling it again does nothing. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    const every = this.#options.waitingWarningMs ?? 15_000;
    this.#warning = setInterval(() => {
      this.#log.warn({ identity: this.#options.localName }, 'waiting for identity to be initialized');
    }, every);
    void this.#attempt();
  }

  /** Stops refreshing and completes {@link WorkloadIdentity.credentials$}. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#warning);
    this.#subject.complete();
  }

  /** Certifies once now and returns the credentials (without publishing them); used by the refresh loop. */
  async certifyOnce(): Promise<WorkloadCredentials> {
    const { localName, trustAnchors, keyMaterial } = this.#options;
    const token = await this.#readToken();
    const res = await this.#options.certify({
      identity: localName,
      token,
      certificateSigningRequest: keyMaterial.csr,
    });
    const now = this.#now();
    if (!(res.validUntil instanceof Date) || Number.isNaN(res.validUntil.getTime())) {
      throw new IdentityError(IdentityErrorCode.Certify, 'Certify response: valid_until is missing');
    }
    if (res.validUntil.getTime() <= now) {
      throw new IdentityError(
        IdentityErrorCode.Certify,
        `Certify response: valid_until ${res.validUntil.toISOString()} is already past (now ${new Date(now).toISOString()})`,
      );
    }
    const leaf = readCertificate(res.leafCertificate, 'Certify leaf_certificate');
    const intermediates = res.intermediateCertificates.map((der, i) =>
      readCertificate(der, `Certify intermediate_certificates[${i}]`),
    );
    verifyChain(leaf, intermediates, trustAnchors, { now });
    verifyIdentity(leaf, localName);
    if (!sameKey(leaf.x509.publicKey, this.#ourKey)) {
      throw new IdentityError(
        IdentityErrorCode.Certify,
        'Certify response: the leaf certificate is not for our key',
      );
    }
    return workloadCredentials({
      localName,
      certificate: leaf,
      intermediates,
      privateKey: keyMaterial.privateKey,
      keyPem: keyMaterial.keyPem,
      trustAnchors,
      validUntil: res.validUntil,
    });
  }

  async #readToken(): Promise<Uint8Array> {
    const source = this.#options.token;
    if (typeof source !== 'string') return source();
    try {
      return new Uint8Array(await readFile(source));
    } catch (err) {
      throw new IdentityError(
        IdentityErrorCode.Certify,
        `cannot read the token file ${source}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  async #attempt(): Promise<void> {
    const min = this.#options.minRefreshMs ?? DEFAULT_MIN_REFRESH_MS;
    const max = this.#options.maxRefreshMs ?? DEFAULT_MAX_REFRESH_MS;
    let delay = min;
    try {
      const credentials = await this.certifyOnce();
      if (this.#closed) return;
      const now = this.#now();
      delay = refreshDelayMs(credentials.validUntil.getTime(), now, min, max);
      clearInterval(this.#warning);
      this.#options.metrics?.certified(credentials.validUntil.getTime(), now);
      this.#log.info(
        {
          identity: credentials.localName,
          validUntil: credentials.validUntil.toISOString(),
          refreshInMs: delay,
        },
        'certified identity',
      );
      this.#subject.next(credentials);
    } catch (err) {
      if (this.#closed) return;
      this.#options.metrics?.refreshFailed();
      this.#log.warn({ err, retryInMs: min }, 'failed to obtain a certificate');
    }
    this.#timer = setTimeout(() => void this.#attempt(), delay);
  }
}
