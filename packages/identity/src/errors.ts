import { SkeinError, type SkeinErrorOptions } from '@skein/core';

/** Stable codes of the errors `@skein/identity` throws. */
export const IdentityErrorCode = {
  /** A certificate signing request could not be parsed or breaks the rules. */
  Csr: 'ERR_SKEIN_IDENTITY_CSR',
  /** A certificate, key or PEM bundle could not be parsed or is unfit for its use. */
  Certificate: 'ERR_SKEIN_IDENTITY_CERTIFICATE',
  /** A certificate chain does not lead to a trust anchor, or a certificate in it is not valid now. */
  Chain: 'ERR_SKEIN_IDENTITY_CHAIN',
  /** A certificate does not carry the identity that was expected. */
  Identity: 'ERR_SKEIN_IDENTITY_MISMATCH',
  /** No certificate has been obtained yet, so TLS with a local identity is impossible. */
  NotCertified: 'ERR_SKEIN_IDENTITY_NOT_CERTIFIED',
  /** The workload's certificate has expired (refresh kept failing): it is not presented. */
  Expired: 'ERR_SKEIN_IDENTITY_EXPIRED',
  /** A TLS handshake failed (plaintext peer, wrong version, unverifiable peer certificate). */
  Handshake: 'ERR_SKEIN_IDENTITY_HANDSHAKE',
  /** A Certify call failed or its answer was unusable. */
  Certify: 'ERR_SKEIN_IDENTITY_CERTIFY',
} as const;

/** One of {@link IdentityErrorCode}'s values. */
export type IdentityErrorCodeValue = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];

/**
 * The error `@skein/identity` throws: `code` says which kind of failure (see
 * {@link IdentityErrorCode}); the message names what was wrong, the value seen and what was expected.
 */
export class IdentityError extends SkeinError {
  constructor(code: IdentityErrorCodeValue, message: string, options?: SkeinErrorOptions) {
    super(code, message, options);
  }
}
