/**
 * Stable error codes used across Skein. A code never changes meaning once published, so
 * callers may branch on it (and the proxy maps it to an HTTP/gRPC status in one place).
 */
export const ErrorCode = {
  /** A configuration value could not be parsed. */
  Config: 'ERR_SKEIN_CONFIG',
  /** A request was refused because a queue or concurrency limit was full. */
  LoadShed: 'ERR_SKEIN_LOAD_SHED',
  /** No endpoint became ready within the failfast timeout. */
  Failfast: 'ERR_SKEIN_FAILFAST',
  /** A request did not complete within its deadline. */
  Timeout: 'ERR_SKEIN_TIMEOUT',
  /** Connecting to an endpoint failed. */
  Connect: 'ERR_SKEIN_CONNECT',
  /** Connecting to an endpoint did not complete in time. */
  ConnectTimeout: 'ERR_SKEIN_CONNECT_TIMEOUT',
  /** The service or balancer was closed. */
  Closed: 'ERR_SKEIN_CLOSED',
  /** The discovered destination does not exist. */
  NoEndpoints: 'ERR_SKEIN_NO_ENDPOINTS',
  /** Bytes received from a peer did not follow the protocol. */
  Protocol: 'ERR_SKEIN_PROTOCOL',
  /** A request or operation was refused by policy. */
  Forbidden: 'ERR_SKEIN_FORBIDDEN',
  /** A value given to an API was invalid. */
  InvalidArgument: 'ERR_SKEIN_INVALID_ARGUMENT',
} as const;

/** One of the codes of {@link ErrorCode}, or a package-specific `ERR_SKEIN_*` code. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | `ERR_SKEIN_${string}`;

/** Options accepted by {@link SkeinError}. */
export interface SkeinErrorOptions {
  /** The underlying error, kept as `cause`. */
  cause?: unknown;
}

/**
 * Base class of every error Skein throws on purpose. `code` is stable; `message` says what was
 * wrong, the value seen and what was expected.
 *
 * @example
 * ```ts
 * try { parseDuration('10 s') } catch (e) {
 *   if (e instanceof SkeinError && e.code === ErrorCode.Config) console.error(e.message);
 * }
 * ```
 */
export class SkeinError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCodeValue;

  constructor(code: ErrorCodeValue, message: string, options?: SkeinErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** Returns true when `err` is a {@link SkeinError} carrying `code`. */
export function hasErrorCode(err: unknown, code: ErrorCodeValue): err is SkeinError {
  return err instanceof SkeinError && err.code === code;
}
