import { SkeinError, type SkeinErrorOptions } from '../errors/index.js';

/** Stable code of {@link ServiceProfileError}. */
export const SERVICE_PROFILE_INVALID = 'ERR_SKEIN_SERVICE_PROFILE_INVALID';

/**
 * A ServiceProfile breaks one of Linkerd's validation rules. `path` names the field
 * (`spec.routes[2].condition`); the message says what was wrong and what is expected.
 */
export class ServiceProfileError extends SkeinError {
  /** The field path of the problem, e.g. `spec.retryBudget.ttl`. */
  readonly path: string;

  constructor(path: string, problem: string, options?: SkeinErrorOptions) {
    super(SERVICE_PROFILE_INVALID, `invalid ServiceProfile: ${path}: ${problem}`, options);
    this.path = path;
  }
}
