import { SkeinError } from '@skein/core';

/**
 * An HTTP/1 message the proxy refuses to handle. `status` is what a client gets (400, 413, 414,
 * 431, 501, 505); on an upstream response it becomes a 502. The connection is always closed
 * afterwards, since the framing can no longer be trusted.
 */
export class HttpParseError extends SkeinError {
  /** The status to answer with. */
  readonly status: number;

  constructor(status: number, message: string) {
    super('ERR_SKEIN_HTTP_PARSE', message);
    this.status = status;
  }
}
