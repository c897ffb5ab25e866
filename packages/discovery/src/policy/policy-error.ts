import { SkeinError, type SkeinErrorOptions } from '@skein/core';

/**
 * An `inbound.Server` message the client cannot turn into an `InboundPolicy`: a missing
 * protocol, detect timeout, network or authentication, or metadata without a name. linkerd2-proxy
 * refuses the same messages.
 */
export class InvalidPolicyError extends SkeinError {
  /** The message field that was wrong, e.g. `authorizations[0].networks`. */
  readonly field: string;

  constructor(field: string, problem: string, options?: SkeinErrorOptions) {
    super('ERR_SKEIN_POLICY_INVALID', `invalid inbound policy: ${field} ${problem}`, options);
    this.field = field;
  }
}
