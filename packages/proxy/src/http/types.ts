import type { TapRequest } from '@skein/tap/hub';
import type { ConnectionInfo } from '../transport/connection-info.js';
import type { RequestBody } from './request-body.js';

/**
 * HTTP version of a message as the proxy saw it: 10 and 11 for HTTP/1.x, 20 for HTTP/2.
 */
export type HttpVersion = 10 | 11 | 20;

/**
 * Header fields as a flat list `[name0, value0, name1, value1, …]`. Names are lowercase (as
 * linkerd2-proxy forwards them); order and repeated fields are kept. Hop-by-hop fields and
 * HTTP/1 framing (`transfer-encoding`) never appear here: framing is carried by the message's
 * body description instead.
 */
export type HeaderList = string[];

/**
 * A request as it travels through the proxy, protocol-neutral so that an HTTP/1 request can go
 * out over HTTP/2 and back. One object per request; layers annotate it rather than copy it.
 */
export interface HttpRequest {
  /** Method token, e.g. `GET`. */
  method: string;
  /** `http` or `https` (or another scheme seen in an absolute-form or `:scheme`). */
  scheme: string;
  /** `host[:port]` from the absolute-form target, `Host` or `:authority`; `''` when absent. */
  authority: string;
  /** Origin-form path and query (`/a?b`), `*` for `OPTIONS *`, or the authority for CONNECT. */
  path: string;
  /** The version the client spoke. */
  version: HttpVersion;
  /** Header fields (lowercase names), without hop-by-hop fields. */
  headers: HeaderList;
  /** Declared body length; `-1` when unknown (chunked or HTTP/2 without `content-length`). */
  contentLength: number;
  /** The body, or `null` for a request without one. */
  body: RequestBody | null;
  /** Whether the HTTP/1 request line used absolute-form (kept for `l5d-orig-proto`). */
  absoluteForm: boolean;
  /** The protocol asked for with HTTP/1.1 `Upgrade` (e.g. `websocket`), if any. */
  upgrade: string | undefined;
  /** Whether the client sent `Expect: 100-continue`. */
  expectContinue: boolean;
  /** Where the request came from. */
  connection: ConnectionInfo;
  /** `performance.now()` when the request head was complete. */
  receivedAt: number;
  /** Whether the request is gRPC (`content-type: application/grpc…`). */
  grpc: boolean;
  /** The request's number on its connection (HTTP/1) or its stream id (HTTP/2), for tap ids. */
  stream?: number;
  /** Set while the request is being tapped, so later layers can add endpoint details. */
  tap?: TapRequest;
  /** Tells the tap streams following this request that `tap` now names the endpoint (once). */
  tapEndpoint?: (() => void) | undefined;
}

/** The head of a response. */
export interface ResponseHead {
  /** Status code. */
  status: number;
  /** Reason phrase from an HTTP/1 peer; empty for HTTP/2. */
  reason: string;
  /** Header fields (lowercase names), without hop-by-hop fields. */
  headers: HeaderList;
  /** Declared body length; `-1` when unknown. `0` for responses that cannot have a body. */
  contentLength: number;
  /** Whether a body follows (false for HEAD responses, 1xx, 204 and 304). */
  hasBody: boolean;
  /** The version the upstream spoke. */
  version: HttpVersion;
  /** Ask the client-facing side to close its connection after this response. */
  close?: boolean;
}

/**
 * Lets a response handler push back on the producer of a message body, or cancel the exchange.
 */
export interface FlowControl {
  /** Stop delivering body data until {@link FlowControl.resume}. */
  pause(): void;
  /** Deliver body data again. */
  resume(): void;
  /** Cancel the exchange: the upstream stream/connection is reset or closed. */
  abort(reason: Error): void;
}

/**
 * Receives one response, callback-driven (as undici's dispatch handlers): exactly one of
 * `onError` or the sequence `onHead` → `onData`* → `onEnd` (or `onUpgrade`) happens; `onError`
 * may also follow `onHead` when the response body fails midway.
 */
export interface ResponseHandler {
  /** Called first, with a handle to pause, resume or abort the exchange. */
  onStart(control: FlowControl): void;
  /** An interim (1xx) response, e.g. `100 Continue` or `103 Early Hints`. */
  onInformational?(status: number, headers: HeaderList): void;
  /** The final response head. */
  onHead(head: ResponseHead): void;
  /** A body chunk; returning false asks the producer to pause until resumed. */
  onData(chunk: Buffer): boolean;
  /** The end of the body, with trailers when the peer sent any. */
  onEnd(trailers: HeaderList | null): void;
  /** The exchange failed; before `onHead` this becomes a synthesized error response. */
  onError(error: Error): void;
  /**
   * The upstream switched protocols (101) or accepted a CONNECT tunnel (2xx): from now on bytes
   * flow both ways on `socket`, starting with `head` (bytes already read past the response).
   */
  onUpgrade?(head: ResponseHead, socket: import('node:stream').Duplex, rest: Buffer): void;
}

/**
 * Sends requests somewhere: the core of the proxy's upstream side. A dispatcher for a target
 * is built once and reused; per-request work runs only code that is already composed.
 */
export interface Dispatcher {
  /** Starts one exchange; the outcome goes to `handler`. Never throws. */
  dispatch(request: HttpRequest, handler: ResponseHandler): void;
}

/** Wraps a dispatcher to add behaviour (metrics, retries, timeouts, header rules…). */
export type Interceptor = (next: Dispatcher) => Dispatcher;
