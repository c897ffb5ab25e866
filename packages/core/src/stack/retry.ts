import type { RetryBudget } from './retry-budget.js';
import type { Layer, Service } from './service.js';

/** The outcome of one attempt, as seen by a retry policy. */
export type AttemptOutcome<Res> = { ok: true; response: Res } | { ok: false; error: unknown };

/** Why a retry that the policy wanted did not happen. */
export type RetrySkipReason = 'no_budget' | 'max_retries' | 'not_replayable';

/** Options for {@link retry}. */
export interface RetryOptions<Req, Res> {
  /** The shared budget; every request deposits and every retry withdraws. */
  budget: RetryBudget;
  /** Whether this outcome should be retried (e.g. a failure-class response on a retryable route). */
  shouldRetry: (req: Req, outcome: AttemptOutcome<Res>) => boolean;
  /**
   * Returns a request to send again, or `undefined` when the request cannot be replayed (for
   * example its body was larger than the 64 KiB buffer). Defaults to reusing `req`.
   */
  replay?: (req: Req, attempt: number) => Req | undefined;
  /** Most retries per request (default: unlimited, bounded by the budget). */
  maxRetries?: number;
  /** Delay before retry number `attempt` (1-based), in ms; default none. */
  backoffMs?: (attempt: number) => number;
  /** Releases a response that will be discarded because a retry replaces it. */
  discard?: (response: Res) => void;
  /** Observes retries, for metrics. */
  onRetry?: (req: Req, attempt: number) => void;
  /** Observes retries that were wanted but skipped, for metrics (`skipped="no_budget"`). */
  onSkip?: (req: Req, reason: RetrySkipReason) => void;
}

/**
 * Retries failed attempts under a Linkerd-style {@link RetryBudget}. The last outcome is
 * returned (or thrown) when no retry is possible.
 */
export function retry<Req, Res>(options: RetryOptions<Req, Res>): Layer<Req, Res> {
  const { budget, shouldRetry } = options;
  const maxRetries = options.maxRetries ?? Number.POSITIVE_INFINITY;
  return (inner: Service<Req, Res>): Service<Req, Res> =>
    async (req) => {
      budget.deposit();
      let attempt = 0;
      let current = req;
      for (;;) {
        let outcome: AttemptOutcome<Res>;
        try {
          outcome = { ok: true, response: await inner(current) };
        } catch (error) {
          outcome = { ok: false, error };
        }
        if (!shouldRetry(req, outcome)) return settle(outcome);
        if (attempt >= maxRetries) {
          options.onSkip?.(req, 'max_retries');
          return settle(outcome);
        }
        let next = req;
        if (options.replay !== undefined) {
          const replayed = options.replay(req, attempt + 1);
          if (replayed === undefined) {
            options.onSkip?.(req, 'not_replayable');
            return settle(outcome);
          }
          next = replayed;
        }
        if (!budget.withdraw()) {
          options.onSkip?.(req, 'no_budget');
          return settle(outcome);
        }
        if (outcome.ok) options.discard?.(outcome.response);
        attempt++;
        options.onRetry?.(req, attempt);
        const delay = options.backoffMs?.(attempt) ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        current = next;
      }
    };
}

function settle<Res>(outcome: AttemptOutcome<Res>): Res {
  if (outcome.ok) return outcome.response;
  throw outcome.error;
}
