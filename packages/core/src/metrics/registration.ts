import { ErrorCode, SkeinError } from '../errors/index.js';
import type { MetricsRegistry } from './family.js';

/**
 * Throws a {@link SkeinError} (`ERR_SKEIN_INVALID_ARGUMENT`) when any of `names` is already in
 * `registry`, before anything is registered, so a second registration fails cleanly.
 */
export function assertUnregistered(registry: MetricsRegistry, names: readonly string[]): void {
  const taken = names.filter((n) => registry.getSingleMetric(n) !== undefined);
  if (taken.length > 0) {
    throw new SkeinError(ErrorCode.InvalidArgument, `metrics already registered: ${taken.join(', ')}`);
  }
}
