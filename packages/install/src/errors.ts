import { SkeinError, type SkeinErrorOptions } from '@skein/core';

/** Stable error codes of `@skein/install`. */
export const InstallErrorCode = {
  /** A Helm value or install option has the wrong type or form. */
  InvalidValues: 'ERR_SKEIN_INSTALL_INVALID_VALUES',
  /** Identity material (trust anchors, issuer certificate or key) is missing, unreadable or unfit. */
  Identity: 'ERR_SKEIN_INSTALL_IDENTITY',
  /** The cluster could not be read, or holds no installation where one was expected. */
  Cluster: 'ERR_SKEIN_INSTALL_CLUSTER',
  /** A check definition is inconsistent (duplicate ids, unknown category). */
  Check: 'ERR_SKEIN_INSTALL_CHECK',
  /** A Prometheus query or heartbeat request failed. */
  Heartbeat: 'ERR_SKEIN_INSTALL_HEARTBEAT',
} as const;

/** One of {@link InstallErrorCode}'s values. */
export type InstallErrorCodeValue = (typeof InstallErrorCode)[keyof typeof InstallErrorCode];

/** The error `@skein/install` throws; the message names what was wrong, the value seen and what is expected. */
export class InstallError extends SkeinError {
  constructor(code: InstallErrorCodeValue, message: string, options?: SkeinErrorOptions) {
    super(code, message, options);
  }
}

/** An install value is invalid: names its dotted path, the value seen and the expected form. */
export class InstallValuesError extends InstallError {
  /** Dotted path of the value (`webhookFailurePolicy`, `skein.prometheus.enabled`). */
  readonly path: string;
  /** The value seen. */
  readonly value: unknown;
  /** The expected form. */
  readonly expected: string;

  constructor(path: string, value: unknown, expected: string, options?: SkeinErrorOptions) {
    super(
      InstallErrorCode.InvalidValues,
      `invalid value ${path}=${JSON.stringify(value) ?? 'undefined'}: expected ${expected}`,
      options,
    );
    this.path = path;
    this.value = value;
    this.expected = expected;
  }
}
