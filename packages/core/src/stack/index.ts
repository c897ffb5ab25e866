export {
  type Classification,
  type ClassifyOptions,
  classify,
  classifyResponse,
  isGrpcFailure,
  matchResponse,
  type ResponseClass,
  type ResponseMatch,
  type ResponseOutcome,
  type StatusRange,
} from './classify.js';
export { type ConcurrencyGauge, concurrencyLimit } from './concurrency-limit.js';
export { type FailfastOptions, failfast, type Readiness } from './failfast.js';
export { IdleCache, type IdleCacheOptions } from './idle-cache.js';
export { ReadyQueue, type ReadyQueueOptions, type ReadyQueueStats } from './ready-queue.js';
export { type AttemptOutcome, type RetryOptions, type RetrySkipReason, retry } from './retry.js';
export { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
export { type Layer, type NewLayer, type NewService, type Service, Stack, stack } from './service.js';
export { type TimeoutOptions, timeout } from './timeout.js';
