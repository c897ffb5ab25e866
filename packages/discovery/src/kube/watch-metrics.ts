import { Counter, type Registry } from 'prom-client';

/** Counters of Kubernetes watch failures and restarts, by resource (`skein_destination_watch_*`). */
export class WatchMetrics {
  readonly #failures: Counter<'resource'>;
  readonly #restarts: Counter<'resource'>;

  constructor(registry?: Registry) {
    const registers = registry === undefined ? [] : [registry];
    this.#failures = new Counter({
      name: 'skein_destination_watch_failures_total',
      help: 'Failed Kubernetes lists or watches, by resource.',
      labelNames: ['resource'],
      registers,
    });
    this.#restarts = new Counter({
      name: 'skein_destination_watch_restarts_total',
      help: 'Kubernetes watches restarted after a failure, by resource.',
      labelNames: ['resource'],
      registers,
    });
  }

  /** Counts one failed list or watch. */
  recordFailure(resource: string): void {
    this.#failures.inc({ resource });
  }

  /** Counts one restart. */
  recordRestart(resource: string): void {
    this.#restarts.inc({ resource });
  }
}
