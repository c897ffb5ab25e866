import { SkeinError } from '@skein/core';

/** Connecting to an endpoint failed (HTTP 502, gRPC Unavailable). */
export class ConnectError extends SkeinError {
  /** The address that refused or failed. */
  readonly address: string;

  constructor(address: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('ERR_SKEIN_CONNECT', `connect to ${address} failed: ${reason}`, { cause });
    this.address = address;
  }
}

/** Connecting to an endpoint did not complete in time (HTTP 504, gRPC DeadlineExceeded). */
export class ConnectTimeoutError extends SkeinError {
  /** The address being connected to. */
  readonly address: string;

  constructor(address: string, timeoutMs: number) {
    super('ERR_SKEIN_CONNECT_TIMEOUT', `connect to ${address} timed out after ${timeoutMs}ms`);
    this.address = address;
  }
}

/** An upstream connection failed after the request was sent (HTTP 502, gRPC Unavailable). */
export class UpstreamIoError extends SkeinError {
  constructor(message: string, cause?: unknown) {
    super('ERR_SKEIN_UPSTREAM_IO', message, { cause });
  }
}

/** No route matched the request (HTTP 404, gRPC NotFound). */
export class NoRouteError extends SkeinError {
  constructor(message = 'no route found for request') {
    super('ERR_SKEIN_NO_ROUTE', message);
  }
}

/** The request was not authorized by policy (HTTP 403, gRPC PermissionDenied). */
export class UnauthorizedError extends SkeinError {
  constructor(message = 'unauthorized request on route') {
    super('ERR_SKEIN_UNAUTHORIZED', message);
  }
}

/** The request was refused by a rate limit (HTTP 429, gRPC ResourceExhausted). */
export class RateLimitedError extends SkeinError {
  constructor(message = 'too many requests') {
    super('ERR_SKEIN_RATE_LIMITED', message);
  }
}

/** The request would loop back into the proxy (HTTP 508, gRPC Aborted). */
export class LoopError extends SkeinError {
  constructor(message = 'request would loop back into the proxy') {
    super('ERR_SKEIN_LOOP', message);
  }
}

/** The endpoint's identity is not the one `l5d-require-id` asked for (HTTP 502). */
export class IdentityRequiredError extends SkeinError {
  constructor(required: string, actual: string | undefined) {
    super(
      'ERR_SKEIN_IDENTITY_REQUIRED',
      `request required the identity '${required}' but '${actual ?? 'none'}' found`,
    );
  }
}

/** A response timeout from a route or `l5d-*-timeout` header (HTTP 504, gRPC DeadlineExceeded). */
export class ResponseTimeoutError extends SkeinError {
  constructor(timeoutMs: number) {
    super('ERR_SKEIN_RESPONSE_TIMEOUT', `response timeout (${timeoutMs}ms)`);
  }
}
