import { ErrorCode, SkeinError, type SkeinErrorOptions } from '../errors/index.js';

/**
 * A value given to a proto conversion helper (an IP address, a port, a duration…) is not valid.
 * The message names what was being converted, the value seen and the expected form.
 */
export class InvalidProtoValueError extends SkeinError {
  /** What was being converted, e.g. `IP address` or `Duration.nanos`. */
  readonly what: string;
  /** The value that was seen, as text. */
  readonly value: string;
  /** A short description of the expected form. */
  readonly expected: string;

  constructor(what: string, value: string, expected: string, options?: SkeinErrorOptions) {
    super(
      ErrorCode.InvalidArgument,
      `invalid ${what} ${JSON.stringify(value)}: expected ${expected}`,
      options,
    );
    this.what = what;
    this.value = value;
    this.expected = expected;
  }
}

/** Stable code of {@link TransportHeaderError}. */
export const ERR_SKEIN_TRANSPORT_HEADER = 'ERR_SKEIN_TRANSPORT_HEADER';

/** Which rule of the transport header a peer (or caller) broke. */
export type TransportHeaderFault =
  /** The bytes do not start with `transport.l5d.io/v1\r\n\r\n`. */
  | 'preface'
  /** The declared protobuf length exceeds the 64 KiB limit. */
  | 'length'
  /** The protobuf bytes could not be decoded. */
  | 'protobuf'
  /** The port is ≤ 0 or > 65535. */
  | 'port'
  /** The name is neither empty nor a valid DNS name. */
  | 'name'
  /** The stream ended before the whole header arrived. */
  | 'truncated';

/**
 * A transport header (spec §1.10) could not be read or written. The connection it came on
 * should be closed.
 */
export class TransportHeaderError extends SkeinError {
  /** The rule that was broken. */
  readonly fault: TransportHeaderFault;

  constructor(fault: TransportHeaderFault, message: string, options?: SkeinErrorOptions) {
    super(ERR_SKEIN_TRANSPORT_HEADER, `invalid transport header: ${message}`, options);
    this.fault = fault;
  }
}
