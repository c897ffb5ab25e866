import type { Http2ServerLimits } from '../http2/limits.js';

/** Settings shared by the HTTP servers the proxy runs on accepted connections. */
export interface HttpServerSettings {
  /** Largest HTTP/1 request head (16 KiB). */
  maxHeaderBytes: number;
  /** Most header fields (100). */
  maxHeaders: number;
  /** Longest request-target (8 KiB). */
  maxTargetBytes: number;
  /** A request head must complete within this many ms (slowloris → 408). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  idleTimeoutMs: number;
  /** A request body must complete within this many ms of its head (slow bodies → 408). */
  requestTimeoutMs: number;
  /** HTTP/2 server limits. */
  http2?: Partial<Http2ServerLimits>;
}

/** The defaults: Envoy/hyper-level header limits, 10 s header timeout, 60 s keep-alive idle, 300 s request (Node's `requestTimeout`). */
export const DEFAULT_HTTP_SERVER_SETTINGS: Readonly<HttpServerSettings> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  maxHeaders: 100,
  maxTargetBytes: 8192,
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
});
