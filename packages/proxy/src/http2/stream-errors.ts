import { constants } from 'node:http2';
import { ErrorCode, SkeinError } from '@skein/core';
import { UpstreamIoError } from '../errors/proxy-errors.js';

const CODE_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
] as const;

/** The RFC 9113 name of an HTTP/2 error code (`CANCEL`, `REFUSED_STREAM`, …). */
export function http2ErrorName(code: number): string {
  return CODE_NAMES[code] ?? `0x${code.toString(16)}`;
}

/**
 * The upstream reset a stream (RST_STREAM) before the response completed. It maps to 502 /
 * gRPC Unavailable for HTTP/1 clients; HTTP/2 clients get the same RST_STREAM code passed on
 * (linkerd2-proxy passes H2 protocol errors on as resets).
 */
export class Http2StreamResetError extends UpstreamIoError {
  /** The HTTP/2 error code of the reset. */
  readonly http2Code: number;

  constructor(http2Code: number, authority: string) {
    super(`upstream ${authority} reset the HTTP/2 stream with ${http2ErrorName(http2Code)}`);
    this.http2Code = http2Code;
  }
}

/**
 * A client's HTTP/2 request was malformed (RFC 9113 §8.2): it is answered with RST_STREAM
 * (`rstCode`) or an HTTP status (`status`, e.g. 431) and never forwarded.
 */
export class Http2MalformedRequestError extends SkeinError {
  /** RST_STREAM code to answer with, or 0 when `status` is sent instead. */
  readonly rstCode: number;
  /** HTTP status to answer with when `rstCode` is 0. */
  readonly status: number;

  constructor(message: string, rstCode: number, status = 400) {
    super(ErrorCode.Protocol, `malformed HTTP/2 request: ${message}`);
    this.rstCode = rstCode;
    this.status = status;
  }
}

/** A request cannot be sent over HTTP/2 (e.g. an HTTP/1.1 `Upgrade`). */
export class Http2UnsupportedRequestError extends SkeinError {
  constructor(message: string) {
    super('ERR_SKEIN_HTTP2_UNSUPPORTED', message);
  }
}

/** RST_STREAM codes used by the proxy. */
export const H2 = {
  NO_ERROR: constants.NGHTTP2_NO_ERROR,
  PROTOCOL_ERROR: constants.NGHTTP2_PROTOCOL_ERROR,
  INTERNAL_ERROR: constants.NGHTTP2_INTERNAL_ERROR,
  FLOW_CONTROL_ERROR: constants.NGHTTP2_FLOW_CONTROL_ERROR,
  REFUSED_STREAM: constants.NGHTTP2_REFUSED_STREAM,
  CANCEL: constants.NGHTTP2_CANCEL,
  CONNECT_ERROR: constants.NGHTTP2_CONNECT_ERROR,
  ENHANCE_YOUR_CALM: constants.NGHTTP2_ENHANCE_YOUR_CALM,
} as const;
