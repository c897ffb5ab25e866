import { CounterFamily } from './counter-family.js';
import type { FamilyOptions, PromValue } from './family.js';
import { GaugeFamily } from './gauge-family.js';

/**
 * A gauge whose value is read at scrape time (`collect` runs before every render or prom-client
 * collection), for values the process already tracks, like memory or file descriptors.
 */
export class CollectedGaugeFamily extends GaugeFamily {
  readonly #collect: (family: GaugeFamily) => void;

  constructor(options: FamilyOptions, collect: (family: GaugeFamily) => void) {
    super({ ...options, retainIdleMs: 0 });
    this.#collect = collect;
  }

  override render(): string {
    this.#collect(this);
    return super.render();
  }

  override get(): { name: string; help: string; type: string; aggregator: string; values: PromValue[] } {
    this.#collect(this);
    return super.get();
  }
}

/** A counter whose total is read at scrape time (e.g. CPU seconds). */
export class CollectedCounterFamily extends CounterFamily {
  readonly #collect: (family: CounterFamily) => void;

  constructor(options: FamilyOptions, collect: (family: CounterFamily) => void) {
    super({ ...options, retainIdleMs: 0 });
    this.#collect = collect;
  }

  override render(): string {
    this.#collect(this);
    return super.render();
  }

  override get(): { name: string; help: string; type: string; aggregator: string; values: PromValue[] } {
    this.#collect(this);
    return super.get();
  }
}
