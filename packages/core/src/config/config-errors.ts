import { ConfigError, ErrorCode, SkeinError, type SkeinErrorOptions } from '../errors/index.js';

/** A required setting was not set (or set to an empty string). */
export class MissingConfigError extends ConfigError {
  constructor(variable: string, expected: string, options?: SkeinErrorOptions) {
    super(variable, '', expected, options);
    this.message = `${variable} is required but not set: expected ${expected}`;
  }
}

/**
 * Every configuration problem found in one pass, so an app can print them all and exit
 * non-zero instead of failing on the first. `code` is `ERR_SKEIN_CONFIG`.
 */
export class AggregateConfigError extends SkeinError {
  /** The individual errors, in the order they were found. */
  readonly errors: readonly ConfigError[];

  constructor(errors: readonly ConfigError[]) {
    const lines = errors.map((e) => `  - ${e.message}`).join('\n');
    const noun = errors.length === 1 ? 'setting is' : 'settings are';
    super(ErrorCode.Config, `${errors.length} configuration ${noun} invalid:\n${lines}`);
    this.errors = errors;
  }
}
