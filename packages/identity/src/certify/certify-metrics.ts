import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Metrics of the identity service: certificates issued, Certify failures by gRPC status, issuer
 * updates, and the issuer's expiry (`issuer_cert_ttl_seconds`, the name Linkerd uses, plus the
 * expiry as a timestamp).
 */
export class CertifyMetrics {
  readonly #issued: Counter;
  readonly #failures: Counter<'code'>;
  readonly #issuerUpdates: Counter<'result'>;
  readonly #issuerExpiry: Gauge;
  #issuerNotAfterMs: number | undefined;

  constructor(registry: Registry, now: () => number = Date.now) {
    const registers = [registry];
    this.#issued = new Counter({
      name: 'skein_identity_certificates_issued_total',
      help: 'Workload certificates issued by Certify.',
      registers,
    });
    this.#failures = new Counter({
      name: 'skein_identity_certify_failures_total',
      help: 'Certify requests refused, by gRPC status code name.',
      labelNames: ['code'] as const,
      registers,
    });
    this.#issuerUpdates = new Counter({
      name: 'skein_identity_issuer_updates_total',
      help: 'Issuer reloads by result (updated, skipped).',
      labelNames: ['result'] as const,
      registers,
    });
    this.#issuerExpiry = new Gauge({
      name: 'skein_identity_issuer_expiration_timestamp_seconds',
      help: 'Unix time (seconds) at which the issuer certificate expires.',
      registers,
    });
    const ttl: Gauge = new Gauge({
      name: 'issuer_cert_ttl_seconds',
      help: 'Seconds until the issuer certificate expires.',
      registers,
      collect: () => {
        if (this.#issuerNotAfterMs !== undefined)
          ttl.set(Math.round((this.#issuerNotAfterMs - now()) / 1000));
      },
    });
    this.#issuerUpdates.inc({ result: 'updated' }, 0);
    this.#issuerUpdates.inc({ result: 'skipped' }, 0);
  }

  /** Counts an issued certificate. */
  issued(): void {
    this.#issued.inc();
  }

  /** Counts a refused Certify request by its gRPC status name (e.g. `FAILED_PRECONDITION`). */
  failed(code: string): void {
    this.#failures.inc({ code });
  }

  /** Records a new issuer and its expiry. */
  issuerUpdated(notAfter: Date): void {
    this.#issuerNotAfterMs = notAfter.getTime();
    this.#issuerExpiry.set(notAfter.getTime() / 1000);
    this.#issuerUpdates.inc({ result: 'updated' });
  }

  /** Counts an issuer reload that was refused. */
  issuerUpdateSkipped(): void {
    this.#issuerUpdates.inc({ result: 'skipped' });
  }
}
