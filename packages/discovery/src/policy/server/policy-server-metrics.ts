import { Counter, Gauge, type Registry } from 'prom-client';

/** The policy server's metrics (`skein_policy_*`). */
export class PolicyServerMetrics {
  /** Messages written, by method. */
  readonly messages: Counter<'method'>;
  /** Streams and calls ended with an error status, by method and gRPC code. */
  readonly errors: Counter<'method' | 'code'>;

  constructor(registry: Registry | undefined, stats: () => { streams: number; views: number }) {
    const registers = registry === undefined ? [] : [registry];
    this.messages = new Counter({
      name: 'skein_policy_messages_total',
      help: 'inbound.Server messages written, by method.',
      labelNames: ['method'],
      registers,
    });
    this.errors = new Counter({
      name: 'skein_policy_errors_total',
      help: 'GetPort calls and WatchPort streams ended with an error status, by method and gRPC code.',
      labelNames: ['method', 'code'],
      registers,
    });
    new Gauge({
      name: 'skein_policy_streams',
      help: 'Open WatchPort streams.',
      registers,
      collect() {
        this.set(stats().streams);
      },
    });
    new Gauge({
      name: 'skein_policy_views',
      help: 'Distinct workload ports being watched (streams of one port share a view).',
      registers,
      collect() {
        this.set(stats().views);
      },
    });
  }
}
