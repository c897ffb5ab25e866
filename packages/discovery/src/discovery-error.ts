import { SkeinError, type SkeinErrorOptions } from '@skein/core';

/** gRPC status codes the Destination API answers with (the numeric values of `grpc.status`). */
export const DestinationStatus = {
  /** The name was not a valid destination (an IP for `Get`, a name outside the cluster domain, ...). */
  InvalidArgument: 3,
  /** The service does not exist: the client may fall back to another resolver (DNS). */
  NotFound: 5,
  /** The request cannot be answered in the current state (e.g. a cluster IP shared by two services). */
  FailedPrecondition: 9,
  /** A subscriber fell too far behind and its stream was aborted. */
  ResourceExhausted: 8,
  /** The server is shutting down. */
  Unavailable: 14,
} as const;

/** One of the values of {@link DestinationStatus}. */
export type DestinationStatusCode = (typeof DestinationStatus)[keyof typeof DestinationStatus];

const CODE_NAMES: Record<DestinationStatusCode, string> = {
  3: 'ERR_SKEIN_DESTINATION_INVALID_ARGUMENT',
  5: 'ERR_SKEIN_DESTINATION_NOT_FOUND',
  8: 'ERR_SKEIN_DESTINATION_RESOURCE_EXHAUSTED',
  9: 'ERR_SKEIN_DESTINATION_FAILED_PRECONDITION',
  14: 'ERR_SKEIN_DESTINATION_UNAVAILABLE',
};

/**
 * A Destination API failure carrying the gRPC status it maps to. Servers end a stream with
 * `status`; clients raise it when the server answered with that status.
 */
export class DestinationError extends SkeinError {
  /** The gRPC status code. */
  readonly status: DestinationStatusCode;

  constructor(status: DestinationStatusCode, message: string, options?: SkeinErrorOptions) {
    super(CODE_NAMES[status] as `ERR_SKEIN_${string}`, message, options);
    this.status = status;
  }
}

/** Raised by the diagnostics functions when the destination service cannot be reached or answers an error. */
export class DiscoveryUnavailableError extends SkeinError {
  constructor(message: string, options?: SkeinErrorOptions) {
    super('ERR_SKEIN_DISCOVERY_UNAVAILABLE', message, options);
  }
}
