import { SkeinError, type SkeinErrorOptions } from '@skein/core';

/** Stable error codes of `@skein/inject`. */
export const InjectErrorCode = {
  /** A Helm value has the wrong type or form. */
  InvalidValues: 'ERR_SKEIN_INJECT_INVALID_VALUES',
  /** A `--set path=value` argument could not be parsed. */
  InvalidSet: 'ERR_SKEIN_INJECT_INVALID_SET',
  /** A YAML or JSON document could not be parsed or is not a Kubernetes object. */
  InvalidManifest: 'ERR_SKEIN_INJECT_INVALID_MANIFEST',
  /** An AdmissionReview body is malformed. */
  InvalidAdmissionReview: 'ERR_SKEIN_INJECT_INVALID_ADMISSION_REVIEW',
  /** A request body is larger than the webhook accepts. */
  BodyTooLarge: 'ERR_SKEIN_INJECT_BODY_TOO_LARGE',
  /** A user mutator threw. */
  MutatorFailed: 'ERR_SKEIN_INJECT_MUTATOR_FAILED',
} as const;

/**
 * A Helm value is invalid. `path` is the dotted values path (`proxy.ports.admin`); the message
 * names it, the value seen and the expected form.
 */
export class ValuesError extends SkeinError {
  /** Dotted path of the offending value. */
  readonly path: string;
  /** The value seen. */
  readonly value: unknown;
  /** The expected form. */
  readonly expected: string;
  /** Where the value came from (a values file), when known. */
  readonly source: string | undefined;

  constructor(
    path: string,
    value: unknown,
    expected: string,
    options?: SkeinErrorOptions & { source?: string },
  ) {
    const where = options?.source === undefined ? '' : ` in ${options.source}`;
    super(
      InjectErrorCode.InvalidValues,
      `invalid value ${path}=${JSON.stringify(value) ?? 'undefined'}${where}: expected ${expected}`,
      options,
    );
    this.path = path;
    this.value = value;
    this.expected = expected;
    this.source = options?.source;
  }

  /** The same error, naming the file (or other source) the value came from. */
  withSource(source: string): ValuesError {
    return new ValuesError(this.path, this.value, this.expected, { cause: this.cause, source });
  }
}

/** A `--set` argument is malformed; the message quotes it and shows the expected form. */
export class SetArgumentError extends SkeinError {
  constructor(argument: string, problem: string) {
    super(
      InjectErrorCode.InvalidSet,
      `invalid --set ${JSON.stringify(argument)}: ${problem}; expected path=value[,path=value…] (e.g. proxy.logLevel=debug)`,
    );
  }
}

/** A manifest document cannot be processed (bad YAML, not an object, no kind). */
export class ManifestError extends SkeinError {
  constructor(message: string, options?: SkeinErrorOptions) {
    super(InjectErrorCode.InvalidManifest, message, options);
  }
}

/** An AdmissionReview request body is malformed; webhooks answer it with HTTP 400. */
export class AdmissionReviewError extends SkeinError {
  constructor(message: string, options?: SkeinErrorOptions) {
    super(InjectErrorCode.InvalidAdmissionReview, message, options);
  }
}
