import type { Socket } from 'node:net';
import { SkeinError } from '@skein/core';
import type { Connector } from './connector.js';
import { TransportArgumentError } from './transport-errors.js';

/** A jittered exponential backoff: `min × 2ⁿ` capped at `max`, plus up to `jitter × base` (never past `max`). */
export interface BackoffPolicy {
  /** First delay in ms (> 0). */
  minMs: number;
  /** Largest delay in ms (≥ minMs). */
  maxMs: number;
  /** Share of the base delay that may be added at random (0 … 100). */
  jitter: number;
}

/** linkerd2-proxy's outbound endpoint reconnect backoff: 100 ms to 60 s, jitter 0.1. */
export const OUTBOUND_RECONNECT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  minMs: 100,
  maxMs: 60_000,
  jitter: 0.1,
});
/** linkerd2-proxy's inbound (to the local app) reconnect backoff: 100 ms to 10 s, jitter 0.1. */
export const INBOUND_RECONNECT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  minMs: 100,
  maxMs: 10_000,
  jitter: 0.1,
});

/**
 * The delay after `failures` consecutive failures (1 for the first), given a uniform random
 * number in [0, 1). Pure, for tests and for callers with their own clock.
 */
export function backoffDelayMs(policy: BackoffPolicy, failures: number, random: number): number {
  const exponent = Math.max(0, failures - 1);
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(exponent, 1024));
  const jitter = Math.min(policy.maxMs - base, base * policy.jitter * random);
  return base + jitter;
}

/** Checks a policy, throwing {@link TransportArgumentError} naming the bad field. */
export function validateBackoffPolicy(policy: BackoffPolicy): void {
  if (!(policy.minMs > 0) || !Number.isFinite(policy.minMs)) {
    throw new TransportArgumentError('backoff.minMs', policy.minMs, 'a finite number of milliseconds > 0');
  }
  if (!(policy.maxMs >= policy.minMs) || !Number.isFinite(policy.maxMs)) {
    throw new TransportArgumentError(
      'backoff.maxMs',
      policy.maxMs,
      `a finite number of milliseconds ≥ minMs (${policy.minMs})`,
    );
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 100)) {
    throw new TransportArgumentError('backoff.jitter', policy.jitter, 'a number from 0 to 100');
  }
}

/** Clock and randomness of a {@link ReconnectBackoff}, injectable for tests. */
export interface BackoffEnvironment {
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  now?: () => number;
  /** Uniform random number in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/**
 * Reconnect state of one endpoint. After a failed connect the endpoint is not ready for the
 * backoff delay, which grows with each consecutive failure; a successful connect resets it.
 * A balancer skips endpoints whose {@link ReconnectBackoff.isReady} is false.
 */
export class ReconnectBackoff {
  /** The policy in force. */
  readonly policy: Readonly<BackoffPolicy>;
  readonly #now: () => number;
  readonly #random: () => number;
  #failures = 0;
  #readyAt = 0;

  constructor(policy: BackoffPolicy = OUTBOUND_RECONNECT_BACKOFF, environment: BackoffEnvironment = {}) {
    validateBackoffPolicy(policy);
    this.policy = Object.freeze({ ...policy });
    this.#now = environment.now ?? (() => performance.now());
    this.#random = environment.random ?? Math.random;
  }

  /** Consecutive failures since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Whether a connect may be attempted now. */
  isReady(): boolean {
    return this.#failures === 0 || this.#now() >= this.#readyAt;
  }

  /** Milliseconds until {@link ReconnectBackoff.isReady} turns true; 0 when ready. */
  readyInMs(): number {
    return this.#failures === 0 ? 0 : Math.max(0, this.#readyAt - this.#now());
  }

  /** Records a failed connect and returns the delay before the next attempt, in ms. */
  recordFailure(): number {
    this.#failures++;
    const delay = backoffDelayMs(this.policy, this.#failures, this.#random());
    this.#readyAt = this.#now() + delay;
    return delay;
  }

  /** Records a successful connect: the next failure starts from the minimum delay again. */
  recordSuccess(): void {
    this.#failures = 0;
    this.#readyAt = 0;
  }
}

/** A connect was refused without trying because the endpoint is backing off after failures. */
export class EndpointBackoffError extends SkeinError {
  /** Milliseconds until the endpoint may be tried again. */
  readonly retryInMs: number;

  constructor(retryInMs: number, failures: number) {
    super(
      'ERR_SKEIN_ENDPOINT_BACKOFF',
      `endpoint is backing off after ${failures} failed connect(s); next attempt in ${Math.ceil(retryInMs)}ms`,
    );
    this.retryInMs = retryInMs;
  }
}

/**
 * Wraps a {@link Connector} with reconnect backoff: failures and successes update `backoff`,
 * and while it is not ready, connects fail at once with {@link EndpointBackoffError}.
 */
export function withReconnectBackoff(connect: Connector, backoff: ReconnectBackoff): Connector {
  return async (): Promise<Socket> => {
    if (!backoff.isReady()) throw new EndpointBackoffError(backoff.readyInMs(), backoff.failures);
    try {
      const socket = await connect();
      backoff.recordSuccess();
      return socket;
    } catch (err) {
      backoff.recordFailure();
      throw err;
    }
  };
}
