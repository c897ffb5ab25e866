import { SkeinError, type SkeinErrorOptions } from '@skein/core';

/** Who a token belongs to: a Kubernetes service account. */
export interface TokenSubject {
  /** The service account's namespace. */
  readonly namespace: string;
  /** The service account's name. */
  readonly serviceAccount: string;
}

/**
 * Why a token was refused, which decides the gRPC status of Certify: `invalid` (the review
 * reported an error; InvalidArgument), `unauthenticated` (FailedPrecondition), `unavailable` (the
 * validator could not ask; Unavailable, so the proxy retries).
 */
export type TokenRejectionReason = 'invalid' | 'unauthenticated' | 'unavailable';

/** A token was not accepted. */
export class TokenRejectedError extends SkeinError {
  /** Why. */
  readonly reason: TokenRejectionReason;

  constructor(reason: TokenRejectionReason, message: string, options?: SkeinErrorOptions) {
    super('ERR_SKEIN_IDENTITY_TOKEN', message, options);
    this.reason = reason;
  }
}

/**
 * Authenticates the token a proxy sends with Certify. Implementations: {@link KubernetesTokenValidator}
 * (TokenReview) and {@link StaticTokenValidator} (the local mesh).
 */
export interface TokenValidator {
  /**
   * Resolves to the token's service account.
   * @throws {@link TokenRejectedError} when the token is not accepted.
   */
  validate(token: Uint8Array): Promise<TokenSubject>;
}

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/**
 * Reads a Kubernetes username of the form `system:serviceaccount:<ns>:<sa>`.
 * @throws {@link TokenRejectedError} (`unauthenticated`) for any other form.
 */
export function subjectFromUsername(username: string): TokenSubject {
  const match = SERVICE_ACCOUNT_USER.exec(username);
  if (match === null) {
    throw new TokenRejectedError(
      'unauthenticated',
      `token user "${username}" is not a service account: expected "system:serviceaccount:<namespace>:<name>"`,
    );
  }
  return { namespace: match[1] ?? '', serviceAccount: match[2] ?? '' };
}

/**
 * The identity of a service account: `<sa>.<ns>.serviceaccount.identity.<controlPlaneNamespace>.<trustDomain>`.
 */
export function serviceAccountIdentity(
  subject: TokenSubject,
  controlPlaneNamespace: string,
  trustDomain: string,
): string {
  return `${subject.serviceAccount}.${subject.namespace}.serviceaccount.identity.${controlPlaneNamespace}.${trustDomain}`;
}

/** The token as text, without surrounding whitespace (a token file may end with a newline). */
export function tokenText(token: Uint8Array): string {
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('utf8').trim();
}
