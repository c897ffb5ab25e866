import { ErrorCode } from '@skein/core';
import type { HeaderList, ResponseHead } from '../http/types.js';
import { HttpParseError } from '../http1/parse-error.js';
import { errnoOf } from '../transport/transport-errors.js';

/** How the proxy answers for an error (spec §2.11). */
export interface ErrorMapping {
  /** HTTP status for plain HTTP requests. */
  status: number;
  /** gRPC status code for gRPC requests (which get HTTP 200). */
  grpcStatus: number;
  /** Whether the client connection is closed after the response. */
  close: boolean;
}

const GRPC = {
  NotFound: 5,
  DeadlineExceeded: 4,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Aborted: 10,
  Internal: 13,
  Unavailable: 14,
  InvalidArgument: 3,
} as const;

/**
 * Maps an error to the synthesized response of linkerd2-proxy (the one place this mapping is
 * made): failfast 504, load shed 503, connect/I/O 502, connect timeout 504, no route 404,
 * unauthorized 403, rate limit 429, loop 508, bad request 4xx, anything else 500.
 */
export function mapError(error: Error): ErrorMapping {
  if (error instanceof HttpParseError) {
    return { status: error.status === 502 ? 502 : error.status, grpcStatus: GRPC.Internal, close: true };
  }
  // By code, not class: a plugin bundled with its own copy of @skein/core throws errors of
  // another SkeinError class with the same stable codes.
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' && raw.startsWith('ERR_SKEIN_') ? raw : undefined;
  // A peer that fails mTLS (wrong identity, untrusted chain, handshake) is a failed connection.
  if (code?.startsWith('ERR_SKEIN_IDENTITY_') === true && code !== 'ERR_SKEIN_IDENTITY_REQUIRED') {
    return { status: 502, grpcStatus: GRPC.Unavailable, close: true };
  }
  switch (code) {
    case ErrorCode.Failfast:
      return { status: 504, grpcStatus: GRPC.DeadlineExceeded, close: true };
    case ErrorCode.LoadShed:
      return { status: 503, grpcStatus: GRPC.Unavailable, close: true };
    case ErrorCode.Connect:
    case ErrorCode.Closed:
    case 'ERR_SKEIN_UPSTREAM_IO':
    case 'ERR_SKEIN_IDENTITY_REQUIRED':
    case 'ERR_SKEIN_ENDPOINT_BACKOFF':
    case 'ERR_SKEIN_HTTP2_UNSUPPORTED':
      return { status: 502, grpcStatus: GRPC.Unavailable, close: true };
    case ErrorCode.ConnectTimeout:
      return { status: 504, grpcStatus: GRPC.DeadlineExceeded, close: true };
    case 'ERR_SKEIN_RESPONSE_TIMEOUT':
    case ErrorCode.Timeout:
      // Route response timeouts do not close the connection.
      return { status: 504, grpcStatus: GRPC.DeadlineExceeded, close: false };
    case 'ERR_SKEIN_NO_ROUTE':
      return { status: 404, grpcStatus: GRPC.NotFound, close: false };
    case 'ERR_SKEIN_UNAUTHORIZED':
    case ErrorCode.Forbidden:
      return { status: 403, grpcStatus: GRPC.PermissionDenied, close: false };
    case 'ERR_SKEIN_RATE_LIMITED':
      return { status: 429, grpcStatus: GRPC.ResourceExhausted, close: false };
    case 'ERR_SKEIN_LOOP':
      return { status: 508, grpcStatus: GRPC.Aborted, close: true };
    case ErrorCode.NoEndpoints:
      return { status: 502, grpcStatus: GRPC.Unavailable, close: true };
    default:
      return { status: 500, grpcStatus: GRPC.Internal, close: true };
  }
}

/**
 * The `error` label of `{inbound,outbound}_{http,tcp}_errors_total` for an error the proxy
 * answered for (spec §5.3: `loadshed`, `failfast`, `identity required`, `i/o`, `response
 * timeout`, `unexpected`), or undefined when the proxy did not fail — the client sent a bad
 * request, policy denied it, or no route matched (those have their own counters).
 */
export function errorMetricLabel(error: Error): string | undefined {
  if (error instanceof HttpParseError && error.status < 500) return undefined;
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const shared = sharedErrorLabel(code);
  if (shared !== undefined) return shared;
  switch (code) {
    case 'ERR_SKEIN_RESPONSE_TIMEOUT':
    case ErrorCode.Timeout:
      return 'response timeout';
    case 'ERR_SKEIN_UNAUTHORIZED':
    case ErrorCode.Forbidden:
    case 'ERR_SKEIN_NO_ROUTE':
    case 'ERR_SKEIN_RATE_LIMITED':
      return undefined;
    default: {
      const status = mapError(error).status;
      return status === 502 || status === 504 ? 'i/o' : 'unexpected';
    }
  }
}

/** The labels HTTP and TCP errors share: why the proxy itself refused to go on. */
function sharedErrorLabel(code: string): string | undefined {
  switch (code) {
    case ErrorCode.LoadShed:
      return 'loadshed';
    case ErrorCode.Failfast:
      return 'failfast';
    case 'ERR_SKEIN_IDENTITY_REQUIRED':
      return 'identity required';
    default:
      return undefined;
  }
}

/**
 * The `error` label of `{inbound,outbound}_tcp_errors_total` for a TCP connection the proxy
 * could not open or keep: `failfast`, `loadshed` and `identity required` as for HTTP; any
 * transport failure (refused, reset, timed out, no endpoints) is `i/o`; anything else is
 * `unexpected`.
 */
export function tcpErrorMetricLabel(error: Error): string {
  const raw = (error as { code?: unknown }).code;
  const shared = sharedErrorLabel(typeof raw === 'string' ? raw : '');
  if (shared !== undefined) return shared;
  const status = mapError(error).status;
  return status === 502 || status === 503 || status === 504 || errnoOf(error) !== undefined
    ? 'i/o'
    : 'unexpected';
}

/** A complete synthesized response: head plus (for gRPC) trailers-only fields in the head. */
export interface SynthesizedResponse {
  /** The response head. */
  head: ResponseHead;
  /** Whether to close the client connection afterwards. */
  close: boolean;
}

/**
 * Builds the response the proxy sends for `error`. gRPC requests get HTTP 200 with
 * `grpc-status`/`grpc-message` (a trailers-only response); others get the mapped status.
 * `l5d-proxy-error` carries the message when `informational` is true.
 */
export function synthesizeResponse(error: Error, grpc: boolean, informational: boolean): SynthesizedResponse {
  const m = mapError(error);
  const message = sanitizeHeaderValue(error.message);
  const headers: HeaderList = [];
  if (grpc) {
    headers.push(
      'content-type',
      'application/grpc',
      'grpc-status',
      String(m.grpcStatus),
      'grpc-message',
      encodeGrpcMessage(message),
    );
  } else {
    headers.push('content-length', '0');
  }
  if (informational) headers.push('l5d-proxy-error', message);
  if (m.close) headers.push('l5d-proxy-connection', 'close');
  return {
    head: {
      status: grpc ? 200 : m.status,
      reason: '',
      headers,
      contentLength: 0,
      hasBody: false,
      version: 11,
    },
    close: m.close,
  };
}

function sanitizeHeaderValue(value: string): string {
  return value.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 1024);
}

/** Percent-encodes a gRPC message as the gRPC HTTP/2 protocol requires. */
export function encodeGrpcMessage(message: string): string {
  return message.replace(/[^\x20-\x24\x26-\x7e]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
