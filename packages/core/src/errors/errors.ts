import { ErrorCode, SkeinError, type SkeinErrorOptions } from './skein-error.js';

/** A queue or concurrency limit was full, so the request was shed (HTTP 503, gRPC Unavailable). */
export class LoadShedError extends SkeinError {
  constructor(message = 'service overloaded: request shed', options?: SkeinErrorOptions) {
    super(ErrorCode.LoadShed, message, options);
  }
}

/** No endpoint became ready within the failfast timeout (HTTP 504, gRPC DeadlineExceeded). */
export class FailfastError extends SkeinError {
  constructor(
    message = 'service in failfast: no endpoint became ready in time',
    options?: SkeinErrorOptions,
  ) {
    super(ErrorCode.Failfast, message, options);
  }
}

/** A request exceeded its timeout (HTTP 504, gRPC DeadlineExceeded). */
export class TimeoutError extends SkeinError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, what = 'request', options?: SkeinErrorOptions) {
    super(ErrorCode.Timeout, `${what} timed out after ${timeoutMs}ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The service was closed and takes no more requests. */
export class ClosedError extends SkeinError {
  constructor(message = 'service closed', options?: SkeinErrorOptions) {
    super(ErrorCode.Closed, message, options);
  }
}

/** A configuration value is invalid. The message names the variable, the value and the expected form. */
export class ConfigError extends SkeinError {
  /** The name of the setting (environment variable, flag or field) that was wrong. */
  readonly variable: string;
  /** The value that was seen. */
  readonly value: string;
  /** A short description of the expected form. */
  readonly expected: string;

  constructor(variable: string, value: string, expected: string, options?: SkeinErrorOptions) {
    super(ErrorCode.Config, `invalid ${variable}=${JSON.stringify(value)}: expected ${expected}`, options);
    this.variable = variable;
    this.value = value;
    this.expected = expected;
  }
}

/** Discovery says the name does not exist, so no endpoint can ever be picked for it. */
export class NoEndpointsError extends SkeinError {
  /** The name that was resolved. */
  readonly target: string;

  constructor(target: string, options?: SkeinErrorOptions) {
    super(ErrorCode.NoEndpoints, `${target}: service discovery says this name does not exist`, options);
    this.target = target;
  }
}
