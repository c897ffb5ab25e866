import { Counter, Gauge, type Registry } from 'prom-client';

/** The method label of the server's metrics. */
export type DestinationMethod = 'Get' | 'GetProfile';

/** The destination server's own metrics (Skein additions, `skein_destination_*`). */
export class DestinationMetrics {
  /** Messages written to streams. */
  readonly messages: Counter<'method'>;
  /** Streams ended by the server with a non-OK status. */
  readonly streamErrors: Counter<'method' | 'code'>;

  constructor(
    registry: Registry | undefined,
    read: () => Record<DestinationMethod, { streams: number; views: number }>,
  ) {
    const registers = registry === undefined ? [] : [registry];
    this.messages = new Counter({
      name: 'skein_destination_messages_total',
      help: 'Messages written to Get and GetProfile streams.',
      labelNames: ['method'],
      registers,
    });
    this.streamErrors = new Counter({
      name: 'skein_destination_stream_errors_total',
      help: 'Get and GetProfile streams ended by the server with a non-OK status, by gRPC status code.',
      labelNames: ['method', 'code'],
      registers,
    });
    new Gauge({
      name: 'skein_destination_streams',
      help: 'Open Get and GetProfile streams.',
      labelNames: ['method'],
      registers,
      collect() {
        const state = read();
        for (const method of ['Get', 'GetProfile'] as const) this.set({ method }, state[method].streams);
      },
    });
    new Gauge({
      name: 'skein_destination_views',
      help: 'Distinct destination views being watched; streams of the same view share one computation.',
      labelNames: ['method'],
      registers,
      collect() {
        const state = read();
        for (const method of ['Get', 'GetProfile'] as const) this.set({ method }, state[method].views);
      },
    });
  }
}
