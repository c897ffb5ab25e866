/**
 * Detects the HTTP/2 "rapid reset" attack (CVE-2023-44487) on one connection: a client opens
 * streams and resets them at once, so that the concurrent-stream limit never applies while the
 * proxy starts upstream work for each.
 *
 * A reset is *premature* when the client sends RST_STREAM before the response completed and
 * within `prematureMs` of opening the stream. The connection is condemned once premature resets
 * reach `maxPremature` and are also more than half of the streams opened — Envoy's rule (500
 * streams, > 50% within 1 s), with a lower count because each stream here costs an upstream
 * exchange. Counters are halved every `10 × maxPremature` streams so that the ratio follows
 * recent behaviour on long-lived connections instead of its whole history.
 */
export class RapidResetGuard {
  readonly #maxPremature: number;
  readonly #decayEvery: number;
  #opened = 0;
  #premature = 0;
  #totalPremature = 0;

  constructor(maxPremature: number) {
    this.#maxPremature = maxPremature;
    this.#decayEvery = maxPremature * 10;
  }

  /** Premature resets seen on the connection (not decayed). */
  get prematureResets(): number {
    return this.#totalPremature;
  }

  /** A stream was opened. */
  opened(): void {
    if (++this.#opened >= this.#decayEvery) {
      this.#opened >>>= 1;
      this.#premature >>>= 1;
    }
  }

  /** A stream was reset prematurely; returns true when the connection must be closed. */
  prematureReset(): boolean {
    this.#totalPremature++;
    const premature = ++this.#premature;
    return premature >= this.#maxPremature && premature * 2 > this.#opened;
  }
}
