import { Counter, Gauge } from 'prom-client';
import type { MetricsRegistry } from './family.js';
import { assertUnregistered } from './registration.js';

/**
 * The identity client's certificate metrics (spec §5.4): `control_identity_cert_expiration_timestamp_seconds`,
 * `control_identity_cert_refresh_timestamp_seconds` and `control_identity_cert_refreshes_total{result}`.
 * Linkerd called them `identity_cert_*` between January and April 2024; Skein uses the current names.
 */
export class IdentityCertMetrics {
  readonly #expiration: Gauge;
  readonly #refreshedAt: Gauge;
  readonly #refreshes: Counter<'result'>;

  constructor(registry: MetricsRegistry) {
    assertUnregistered(registry, [
      'control_identity_cert_expiration_timestamp_seconds',
      'control_identity_cert_refresh_timestamp_seconds',
      'control_identity_cert_refreshes_total',
    ]);
    const registers = [registry];
    this.#expiration = new Gauge({
      name: 'control_identity_cert_expiration_timestamp_seconds',
      help: 'Unix time (seconds) at which the current workload certificate expires.',
      registers,
    });
    this.#refreshedAt = new Gauge({
      name: 'control_identity_cert_refresh_timestamp_seconds',
      help: 'Unix time (seconds) of the last successful certificate refresh.',
      registers,
    });
    this.#refreshes = new Counter({
      name: 'control_identity_cert_refreshes_total',
      help: 'Certificate refresh attempts by result (ok or error).',
      labelNames: ['result'] as const,
      registers,
    });
    // Both results exist from the start, so a dashboard sees zeros rather than gaps.
    this.#refreshes.inc({ result: 'ok' }, 0);
    this.#refreshes.inc({ result: 'error' }, 0);
  }

  /** Records a successful certification: the new certificate's expiry and the refresh time (epoch ms). */
  certified(expiresAtMs: number, refreshedAtMs: number): void {
    this.#expiration.set(expiresAtMs / 1000);
    this.#refreshedAt.set(refreshedAtMs / 1000);
    this.#refreshes.inc({ result: 'ok' });
  }

  /** Records a failed refresh attempt. */
  refreshFailed(): void {
    this.#refreshes.inc({ result: 'error' });
  }
}
