import { SkeinError } from '@skein/core';

/** Error codes of `@skein/tap`. */
export const TapErrorCode = {
  /** A tap request was malformed (limit 0, an empty match, a bad netmask, an unknown resource kind). */
  InvalidRequest: 'ERR_SKEIN_TAP_INVALID_REQUEST',
  /** The caller may not tap (not loopback, wrong identity, or denied by policy). */
  Unauthorized: 'ERR_SKEIN_TAP_UNAUTHORIZED',
  /** The tapped resource does not exist or has no tappable pods. */
  NotFound: 'ERR_SKEIN_TAP_NOT_FOUND',
} as const;

/** A tap request could not be served as asked; `message` names the field and the value seen. */
export class TapRequestError extends SkeinError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(TapErrorCode.InvalidRequest, message, options);
  }
}

/** The caller is not allowed to tap the resource; `message` says who was refused and why. */
export class TapUnauthorizedError extends SkeinError {
  constructor(message: string) {
    super(TapErrorCode.Unauthorized, message);
  }
}

/** The tap target does not exist or none of its pods can be tapped; `message` lists the reasons. */
export class TapNotFoundError extends SkeinError {
  constructor(message: string) {
    super(TapErrorCode.NotFound, message);
  }
}
