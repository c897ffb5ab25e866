import { FailfastError, LoadShedError } from '../errors/errors.js';

/** Options for {@link ReadyQueue}. */
export interface ReadyQueueOptions {
  /** Whether the service behind the queue can take a request now. */
  isReady: () => boolean;
  /** Most requests that may wait; one more is shed with {@link LoadShedError}. */
  capacity: number;
  /** How long requests may wait for readiness before the queue enters failfast, in ms. */
  failfastTimeoutMs: number;
  /** Used in error messages, e.g. the authority being balanced. */
  name?: string;
}

/** Counters exposed by a {@link ReadyQueue} for metrics. */
export interface ReadyQueueStats {
  /** Requests waiting now. */
  readonly length: number;
  /** Requests that ever waited. */
  readonly enqueued: number;
  /** Whether the queue is in failfast (its gate is shut). */
  readonly failfast: boolean;
  /** Times the gate shut (entered failfast). */
  readonly gateShut: number;
  /** Times the gate opened again (left failfast). */
  readonly gateOpened: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * The queue in front of a balancer (linkerd2-proxy's `PoolQueue`): requests pass straight
 * through while the service is ready; otherwise they wait, up to `capacity`. If nothing becomes
 * ready within the failfast timeout, every waiter fails with {@link FailfastError} and new
 * requests fail at once until the service is ready again. A full queue sheds with
 * {@link LoadShedError}.
 *
 * The owner calls {@link ReadyQueue.notify} whenever readiness may have changed.
 */
export class ReadyQueue implements ReadyQueueStats {
  readonly #opts: ReadyQueueOptions;
  // A simple array queue with a moving head keeps enqueue/dequeue O(1) amortized.
  #waiters: Waiter[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #failfast = false;
  #enqueued = 0;
  #gateShut = 0;
  #gateOpened = 0;
  #closedWith: Error | undefined;

  constructor(options: ReadyQueueOptions) {
    if (!(options.capacity >= 0))
      throw new RangeError(`queue capacity must be >= 0, got ${options.capacity}`);
    this.#opts = options;
  }

  get length(): number {
    return this.#waiters.length - this.#head;
  }
  get enqueued(): number {
    return this.#enqueued;
  }
  get failfast(): boolean {
    return this.#failfast;
  }
  get gateShut(): number {
    return this.#gateShut;
  }
  get gateOpened(): number {
    return this.#gateOpened;
  }

  /**
   * Admits one request. Returns `undefined` when it may proceed now (the fast path allocates
   * nothing), a promise that settles when it may proceed, or throws when it is refused.
   */
  acquire(): Promise<void> | undefined {
    if (this.#closedWith !== undefined) throw this.#closedWith;
    if (this.length === 0 && this.#opts.isReady()) {
      if (this.#failfast) this.#open();
      return undefined;
    }
    if (this.#failfast) {
      if (this.#opts.isReady()) {
        this.#open();
        return undefined;
      }
      throw new FailfastError(this.#failfastMessage());
    }
    if (this.length >= this.#opts.capacity) {
      throw new LoadShedError(`${this.#label()}queue full (capacity ${this.#opts.capacity})`);
    }
    this.#enqueued++;
    const p = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    this.#arm();
    return p;
  }

  /** Re-checks readiness: releases waiters while ready and leaves failfast when ready. */
  notify(): void {
    if (!this.#opts.isReady()) return;
    if (this.#failfast) this.#open();
    this.#disarm();
    while (this.length > 0 && this.#opts.isReady()) {
      const w = this.#waiters[this.#head]!;
      this.#waiters[this.#head] = undefined as unknown as Waiter;
      this.#head++;
      w.resolve();
    }
    this.#compact();
    if (this.length > 0) this.#arm();
  }

  /** Fails the requests waiting now with `err`; later requests are admitted as usual. */
  failWaiting(err: Error): void {
    this.#disarm();
    this.#rejectAll(err);
  }

  /** Fails every waiter and all later requests with `err` (e.g. when the balancer closes). */
  close(err: Error): void {
    this.#closedWith = err;
    this.#disarm();
    this.#rejectAll(err);
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#opts.isReady()) {
        this.notify();
        return;
      }
      this.#failfast = true;
      this.#gateShut++;
      this.#rejectAll(new FailfastError(this.#failfastMessage()));
    }, this.#opts.failfastTimeoutMs);
    this.#timer.unref?.();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #open(): void {
    this.#failfast = false;
    this.#gateOpened++;
  }

  #rejectAll(err: Error): void {
    const waiters = this.#waiters;
    const head = this.#head;
    this.#waiters = [];
    this.#head = 0;
    for (let i = head; i < waiters.length; i++) waiters[i]!.reject(err);
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    } else if (this.length === 0) {
      this.#waiters.length = 0;
      this.#head = 0;
    }
  }

  #label(): string {
    return this.#opts.name === undefined ? '' : `${this.#opts.name}: `;
  }

  #failfastMessage(): string {
    return `${this.#label()}service in failfast: no endpoint became ready within ${this.#opts.failfastTimeoutMs}ms`;
  }
}
