import type { LabelSet } from './label-set.js';

/** Lifecycle of a series: in its family, expired for idleness, or refused by the series cap. */
export const SeriesState = { Live: 0, Expired: 1, Dropped: 2 } as const;

/** One of the {@link SeriesState} values. */
export type SeriesStateValue = (typeof SeriesState)[keyof typeof SeriesState];

/**
 * What a series needs from its family: taking back a series that expired while someone still
 * held its handle. Families implement it; users never call it.
 */
export interface SeriesOwner {
  /** Called on the first write to a non-live series. */
  revive(series: Series): void;
}

/**
 * State shared by every series. The underscored fields are bookkeeping for the owning family
 * (idle detection and revival); treat them as private.
 */
abstract class SeriesBase {
  /** The series' labels. */
  readonly labels: LabelSet;
  /** @internal */
  _state: SeriesStateValue = SeriesState.Live;
  /** @internal Activity snapshot taken at the last sweep. */
  _mark = 0;
  /** @internal When activity was last seen, on the family's clock. */
  _activeAt = 0;
  /** @internal */
  readonly _owner: SeriesOwner;

  constructor(owner: SeriesOwner, labels: LabelSet) {
    this._owner = owner;
    this.labels = labels;
  }

  /** True when the series is in its family and will be rendered. */
  get live(): boolean {
    return this._state === SeriesState.Live;
  }

  /** A number that changes whenever the series is written (compared across sweeps). */
  abstract activity(): number;

  /** Sets the series back to zero. */
  abstract clear(): void;

  /** Whether the series may be expired when idle (gauges holding a non-zero value may not). */
  expirable(): boolean {
    return true;
  }
}

/** A monotonic counter cell. `inc` is O(1): one add and one state check. */
export class CounterSeries extends SeriesBase {
  /** The current count. */
  value = 0;

  /** Adds `n` (default 1). Negative and NaN amounts are ignored: counters only go up. */
  inc(n = 1): void {
    if (n > 0) this.value += n;
    if (this._state !== 0) this._owner.revive(this);
  }

  activity(): number {
    return this.value;
  }

  clear(): void {
    this.value = 0;
  }
}

/** A gauge cell. A gauge with a non-zero value is never expired for idleness. */
export class GaugeSeries extends SeriesBase {
  /** The current value. */
  value = 0;
  #writes = 0;

  /** Sets the value. */
  set(v: number): void {
    this.value = v;
    this.#writes++;
    if (this._state !== 0) this._owner.revive(this);
  }

  /** Adds `n` (default 1). */
  inc(n = 1): void {
    this.value += n;
    this.#writes++;
    if (this._state !== 0) this._owner.revive(this);
  }

  /** Subtracts `n` (default 1). */
  dec(n = 1): void {
    this.value -= n;
    this.#writes++;
    if (this._state !== 0) this._owner.revive(this);
  }

  activity(): number {
    return this.#writes;
  }

  clear(): void {
    this.value = 0;
    this.#writes++;
  }

  override expirable(): boolean {
    return this.value === 0;
  }
}

/**
 * A histogram cell: per-bucket counts in a typed array, found by binary search over the
 * family's shared bounds. `observe` allocates nothing.
 */
export class HistogramSeries extends SeriesBase {
  /** Upper bounds shared by the family (ascending, without +Inf). */
  readonly bounds: Float64Array;
  /** Non-cumulative counts per bucket; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  /** Sum of observed values. */
  sum = 0;
  /** Number of observations. */
  count = 0;

  constructor(owner: SeriesOwner, labels: LabelSet, bounds: Float64Array) {
    super(owner, labels);
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation; NaN is ignored. */
  observe(v: number): void {
    if (Number.isNaN(v)) return;
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= b[mid]!) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]!++;
    this.sum += v;
    this.count++;
    if (this._state !== 0) this._owner.revive(this);
  }

  activity(): number {
    return this.count;
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** Any series kind. */
export type Series = CounterSeries | GaugeSeries | HistogramSeries;
