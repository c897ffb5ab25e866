import type { CounterFamily } from './counter-family.js';
import type { GaugeFamily } from './gauge-family.js';
import type { LabelSet } from './label-set.js';
import type { CounterSeries, GaugeSeries } from './series.js';

/** The TCP families (§5.2): `tcp_open_total`, `tcp_close_total`, `tcp_open_connections`, byte counters. */
export interface TcpFamilies {
  /** `tcp_open_total`. */
  readonly openTotal: CounterFamily;
  /** `tcp_close_total{…,errno}`. */
  readonly closeTotal: CounterFamily;
  /** `tcp_open_connections`. */
  readonly openConnections: GaugeFamily;
  /** `tcp_read_bytes_total`. */
  readonly readBytes: CounterFamily;
  /** `tcp_write_bytes_total`. */
  readonly writeBytes: CounterFamily;
}

/**
 * The TCP metrics of one listener target or endpoint, built once. Each method is a few field
 * updates; `close` looks up its `errno` series in a small map (no strings built after the first
 * close with a given errno).
 */
export class TcpTargetMetrics {
  /** The target's labels. */
  readonly labels: LabelSet;
  readonly #families: TcpFamilies;
  readonly #open: CounterSeries;
  readonly #connections: GaugeSeries;
  readonly #read: CounterSeries;
  readonly #write: CounterSeries;
  readonly #closeByErrno = new Map<string, CounterSeries>();

  constructor(families: TcpFamilies, labels: LabelSet) {
    this.#families = families;
    this.labels = labels;
    this.#open = families.openTotal.series(labels);
    this.#connections = families.openConnections.series(labels);
    this.#read = families.readBytes.series(labels);
    this.#write = families.writeBytes.series(labels);
  }

  /** A connection opened. */
  opened(): void {
    this.#open.inc();
    this.#connections.inc();
  }

  /** A connection closed; `errno` is `""` for a clean close, else the error name (e.g. `ECONNRESET`). */
  closed(errno = ''): void {
    let series = this.#closeByErrno.get(errno);
    if (series === undefined) {
      series = this.#families.closeTotal.series(this.labels.with([['errno', errno]]));
      if (this.#closeByErrno.size < 256) this.#closeByErrno.set(errno, series);
    }
    series.inc();
    this.#connections.dec();
  }

  /** Bytes read from the peer. */
  read(bytes: number): void {
    this.#read.inc(bytes);
  }

  /** Bytes written to the peer. */
  wrote(bytes: number): void {
    this.#write.inc(bytes);
  }
}
