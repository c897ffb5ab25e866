import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { recordReliability } from '../reliability/reliability-record.js';

// Settings and plumbing shared by the packages' fuzz files (test/fuzz/*.fuzz.test.ts), so that
// every package fuzzes the same way (core sits below @skein/testkit, so it has none).
//
// SKEIN_FUZZ_RUNS  runs per property (default 300: seconds per file in CI; `npm run fuzz` uses more)
// SKEIN_FUZZ_SEED  replay a run: the seed is printed in every failure and in docs/reliability.md

/** Runs per property. */
export const FUZZ_RUNS = positiveInt(process.env.SKEIN_FUZZ_RUNS, 300);
/** The seed of this run. */
export const FUZZ_SEED = process.env.SKEIN_FUZZ_SEED
  ? Number(process.env.SKEIN_FUZZ_SEED)
  : (Math.random() * 0x7fffffff) | 0;

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new RangeError(`SKEIN_FUZZ_RUNS="${text}": expected a positive integer`);
  return n;
}

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const clock = new Float64Array(workerData.buffer, 0, 2);
const text = new Uint8Array(workerData.buffer, 16);
setInterval(() => {
  const started = clock[0];
  if (started > 0 && Date.now() - started > clock[1]) {
    const end = text.indexOf(0);
    const input = Buffer.from(text.subarray(0, end < 0 ? text.length : end)).toString('utf8');
    writeSync(2, '\\n[fuzz watchdog] ' + workerData.name + ': one input has run for more than ' + clock[1] + ' ms; input:\\n' + input + '\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 100);
`;

/**
 * A hang detector for synchronous code, which no timer on the same thread can interrupt: a
 * worker thread watches a shared clock set before each input and, if one input runs past
 * `limitMs`, prints that input and kills the process (the test run then fails loudly). The
 * limit is a generous bound meant to catch endless loops and runaway backtracking, not a
 * performance assertion.
 */
export class HangWatchdog {
  readonly #clock: Float64Array;
  readonly #text: Uint8Array;
  readonly #worker: Worker;

  constructor(name: string, limitMs: number) {
    const buffer = new SharedArrayBuffer(16 + 8192);
    this.#clock = new Float64Array(buffer, 0, 2);
    this.#clock[1] = limitMs;
    this.#text = new Uint8Array(buffer, 16);
    this.#worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { buffer, name } });
    this.#worker.unref();
  }

  /** Runs `fn` on `input` under the watchdog. */
  run<T>(input: unknown, fn: () => T): T {
    const described = Buffer.from(fc.stringify(input).slice(0, 8000), 'utf8');
    this.#text.fill(0);
    this.#text.set(described.subarray(0, this.#text.length - 1));
    this.#clock[0] = Date.now();
    try {
      return fn();
    } finally {
      this.#clock[0] = 0;
    }
  }

  /** As {@link run} for a function returning a promise: the clock runs until it settles. */
  async runAsync<T>(input: unknown, fn: () => Promise<T>): Promise<T> {
    const described = Buffer.from(fc.stringify(input).slice(0, 8000), 'utf8');
    this.#text.fill(0);
    this.#text.set(described.subarray(0, this.#text.length - 1));
    this.#clock[0] = Date.now();
    try {
      return await fn();
    } finally {
      this.#clock[0] = 0;
    }
  }

  stop(): Promise<number> {
    return this.#worker.terminate();
  }
}

/** What one fuzz file checks, for its row in docs/reliability.md. */
export interface FuzzTarget {
  /** Result id (kebab-case), e.g. `proxy-transport-header`. */
  id: string;
  /** The code under test, in a sentence. */
  target: string;
  /** What must hold, in a sentence. */
  expected: string;
  /** Per-input hang limit in ms (default 2000). */
  hangLimitMs?: number;
  /** Vitest time budget per run in ms, to size test timeouts for long runs (default 5). */
  msPerRun?: number;
}

/**
 * One fuzz file: `property` registers a fast-check property as a test (FUZZ_RUNS runs, FUZZ_SEED,
 * every input under the {@link HangWatchdog}); `record` registers the last test, which records
 * the file's result once every property held.
 */
export class FuzzSuite {
  readonly #target: FuzzTarget;
  readonly #watchdog: HangWatchdog;
  readonly #passed: string[] = [];
  readonly #names: string[] = [];
  #inputs = 0;
  readonly #timeoutMs: number;

  constructor(target: FuzzTarget) {
    this.#target = target;
    this.#watchdog = new HangWatchdog(target.id, target.hangLimitMs ?? 2000);
    this.#timeoutMs = 20_000 + FUZZ_RUNS * (target.msPerRun ?? 5);
  }

  /** A synchronous property over `arbitrary`. */
  property<T>(
    name: string,
    arbitrary: fc.Arbitrary<T>,
    predicate: (value: T) => void,
    runs = FUZZ_RUNS,
  ): void {
    this.#names.push(name);
    it(
      name,
      () => {
        fc.assert(
          fc.property(arbitrary, (value) => this.#watchdog.run(value, () => predicate(value))),
          { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true },
        );
        this.#passed.push(name);
        this.#inputs += runs;
      },
      this.#timeoutMs,
    );
  }

  /** An asynchronous property over `arbitrary` (the watchdog clock runs until each promise settles). */
  asyncProperty<T>(
    name: string,
    arbitrary: fc.Arbitrary<T>,
    predicate: (value: T) => Promise<void>,
    runs = FUZZ_RUNS,
  ): void {
    this.#names.push(name);
    it(
      name,
      async () => {
        await fc.assert(
          fc.asyncProperty(arbitrary, (value) => this.#watchdog.runAsync(value, () => predicate(value))),
          { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true },
        );
        this.#passed.push(name);
        this.#inputs += runs;
      },
      this.#timeoutMs,
    );
  }

  /** Registers the final test: every property held, so the result is recorded. */
  record(): void {
    it('records the fuzzing result', async () => {
      await this.#watchdog.stop();
      expect(this.#passed).toEqual(this.#names);
      recordReliability({
        suite: 'fuzz',
        id: this.#target.id,
        scenario: this.#target.target,
        expected: this.#target.expected,
        measured: `${this.#names.length} properties, ${this.#inputs} inputs (SKEIN_FUZZ_RUNS=${FUZZ_RUNS}, seed ${FUZZ_SEED}): all held, no untyped error, no hang — ${this.#names.join('; ')}`,
        passed: true,
      });
    });
  }
}

/** Fails unless `err` is one of the documented error classes. */
export function expectTyped(err: unknown, ...classes: (abstract new (...args: never[]) => Error)[]): void {
  if (classes.some((c) => err instanceof c)) return;
  throw new Error(
    `untyped failure: expected one of ${classes.map((c) => c.name).join(', ')}, got ${err instanceof Error ? `${err.constructor.name}: ${err.message}\n${err.stack}` : String(err)}`,
  );
}
