import { SkeinError } from '@skein/core';

/** Code of {@link NetnsError}. */
export const NETNS_ERROR_CODE = 'ERR_SKEIN_NETNS';

/** Setting up, using or tearing down a test network namespace failed. */
export class NetnsError extends SkeinError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(NETNS_ERROR_CODE, message, options);
  }
}
