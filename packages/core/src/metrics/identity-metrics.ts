import { CounterFamily } from './counter-family.js';
import type { MetricFamily, MetricsRegistry } from './family.js';
import { GaugeFamily } from './gauge-family.js';
import { assertUnregistered } from './registration.js';
import type { CounterSeries, GaugeSeries, Series } from './series.js';

/**
 * The identity client's certificate metrics (spec §5.4): `control_identity_cert_expiration_timestamp_seconds`,
 * `control_identity_cert_refresh_timestamp_seconds` and `control_identity_cert_refreshes_total{result}`.
 * Linkerd called them `identity_cert_*` between January and April 2024; Skein uses the current names.
 * Renders itself ({@link IdentityCertMetrics.render}); pass a registry to also appear in it.
 */
export class IdentityCertMetrics {
  /** The families, in render order. */
  readonly families: readonly MetricFamily<Series>[];
  readonly #expiration: GaugeSeries;
  readonly #refreshedAt: GaugeSeries;
  readonly #ok: CounterSeries;
  readonly #error: CounterSeries;

  constructor(registry?: MetricsRegistry) {
    if (registry !== undefined) {
      assertUnregistered(registry, [
        'control_identity_cert_expiration_timestamp_seconds',
        'control_identity_cert_refresh_timestamp_seconds',
        'control_identity_cert_refreshes_total',
      ]);
    }
    const expiration = new GaugeFamily({
      name: 'control_identity_cert_expiration_timestamp_seconds',
      help: 'Unix time (seconds) at which the current workload certificate expires.',
      retainIdleMs: 0,
    });
    const refreshedAt = new GaugeFamily({
      name: 'control_identity_cert_refresh_timestamp_seconds',
      help: 'Unix time (seconds) of the last successful certificate refresh.',
      retainIdleMs: 0,
    });
    const refreshes = new CounterFamily({
      name: 'control_identity_cert_refreshes_total',
      help: 'Certificate refresh attempts by result (ok or error).',
      retainIdleMs: 0,
    });
    this.#expiration = expiration.series();
    this.#refreshedAt = refreshedAt.series();
    // Both results exist from the start, so a dashboard sees zeros rather than gaps.
    this.#ok = refreshes.series([['result', 'ok']]);
    this.#error = refreshes.series([['result', 'error']]);
    this.families = [expiration, refreshedAt, refreshes];
    if (registry !== undefined) for (const f of this.families) f.registerIn(registry);
  }

  /** Records a successful certification: the new certificate's expiry and the refresh time (epoch ms). */
  certified(expiresAtMs: number, refreshedAtMs: number): void {
    this.#expiration.set(expiresAtMs / 1000);
    this.#refreshedAt.set(refreshedAtMs / 1000);
    this.#ok.inc();
  }

  /** Records a failed refresh attempt. */
  refreshFailed(): void {
    this.#error.inc();
  }

  /** The text exposition of the three families. */
  render(): string {
    return this.families.map((f) => f.render()).join('');
  }
}
