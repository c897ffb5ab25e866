import { Counter, type Registry } from 'prom-client';
import { WatchMetrics } from './watch-metrics.js';

/**
 * Watch failures and restarts of the policy controller's watches, as
 * `skein_policy_watch_{failures,restarts}_total{resource}`: distinct names, so the destination
 * and policy watches of one process can share a registry.
 */
export class PolicyWatchMetrics extends WatchMetrics {
  readonly #failures: Counter<'resource'>;
  readonly #restarts: Counter<'resource'>;

  constructor(registry?: Registry) {
    super();
    const registers = registry === undefined ? [] : [registry];
    this.#failures = new Counter({
      name: 'skein_policy_watch_failures_total',
      help: 'Failed Kubernetes lists or watches of the policy controller, by resource.',
      labelNames: ['resource'],
      registers,
    });
    this.#restarts = new Counter({
      name: 'skein_policy_watch_restarts_total',
      help: 'Policy controller watches restarted after a failure, by resource.',
      labelNames: ['resource'],
      registers,
    });
  }

  override recordFailure(resource: string): void {
    this.#failures.inc({ resource });
  }

  override recordRestart(resource: string): void {
    this.#restarts.inc({ resource });
  }
}
