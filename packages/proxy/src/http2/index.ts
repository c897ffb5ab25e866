/**
 * HTTP/2 and gRPC for the proxy: the server side ({@link serveHttp2}), the upstream client
 * ({@link Http2Pool}), and the request/response conversions interceptors build on.
 *
 * @packageDocumentation
 */

export type { ClientExchangeOwner, Http2ClientExchange } from './client-exchange.js';
export { Http2Pool, type Http2PoolOptions } from './client-pool.js';
export type { ClientSessionOwner, Http2ClientSession } from './client-session.js';
export {
  clientSessionOptions,
  DEFAULT_HTTP2_CLIENT_SETTINGS,
  DEFAULT_HTTP2_SERVER_LIMITS,
  type Http2ClientSettings,
  type Http2ServerLimits,
  resolveHttp2ClientSettings,
  resolveHttp2ServerLimits,
  serverSessionOptions,
} from './limits.js';
export { RapidResetGuard } from './rapid-reset.js';
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './reconnect-backoff.js';
export { http2RequestHeaders, isConnectionSpecificField, requestFromHttp2 } from './request-conversion.js';
export {
  fieldsFromHttp2,
  fieldsToObject,
  http2ResponseHeaders,
  responseHeadFromHttp2,
} from './response-conversion.js';
export {
  type Http2CloseReason,
  Http2ServerConnection,
  type Http2ServerOptions,
  serveHttp2,
} from './server-connection.js';
export { Http2ServerExchange, type ServerExchangeOwner } from './server-exchange.js';
export {
  Http2MalformedRequestError,
  Http2StreamResetError,
  Http2UnsupportedRequestError,
  http2ErrorName,
} from './stream-errors.js';
