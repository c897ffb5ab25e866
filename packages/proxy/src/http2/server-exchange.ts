import type { ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import { SkeinError } from '@skein/core';
import { UpstreamIoError } from '../errors/proxy-errors.js';
import { encodeGrpcMessage, mapError, synthesizeResponse } from '../errors/synthesize.js';
import { hasHeader } from '../http/headers.js';
import { RequestBody } from '../http/request-body.js';
import type { FlowControl, HeaderList, HttpRequest, ResponseHandler, ResponseHead } from '../http/types.js';
import { fieldsFromHttp2, fieldsToObject, http2ResponseHeaders } from './response-conversion.js';
import { H2, Http2StreamResetError, http2ErrorName } from './stream-errors.js';

/** What an exchange needs from its connection. */
export interface ServerExchangeOwner {
  /** Whether synthesized errors carry `l5d-proxy-error`. */
  readonly informationalHeaders: boolean;
  /** Called for each error answered with a synthesized response. */
  readonly onSynthesized: ((error: Error) => void) | undefined;
  /** The exchange is over (response finished, failed, or the client reset the stream). */
  exchangeClosed(exchange: Http2ServerExchange, clientReset: boolean): void;
}

const kExchange = Symbol('skein.http2.serverExchange');
type ExchangeStream = ServerHttp2Stream & { [kExchange]?: Http2ServerExchange };

const RESPOND_BODY = { endStream: false, waitForTrailers: false, sendDate: false };
const RESPOND_BODY_TRAILERS = { endStream: false, waitForTrailers: true, sendDate: false };
const RESPOND_END = { endStream: true, sendDate: false };

// Listeners are shared functions that find their exchange on the stream, so that a stream costs
// one object rather than a closure per event.
function onRequestData(this: ExchangeStream, chunk: Buffer): void {
  this[kExchange]?.requestData(chunk);
}
function onRequestTrailers(this: ExchangeStream, _h: unknown, _f: number, raw: string[]): void {
  const ex = this[kExchange];
  if (ex !== undefined) ex.requestTrailers = fieldsFromHttp2(raw);
}
function onRequestEnd(this: ExchangeStream): void {
  this[kExchange]?.requestEnd();
}
function onStreamClose(this: ExchangeStream): void {
  this[kExchange]?.streamClosed();
}
function onStreamDrain(this: ExchangeStream): void {
  this[kExchange]?.drained();
}
function onWantTrailers(this: ExchangeStream): void {
  this[kExchange]?.sendTrailers();
}
function ignore(): void {
  // 'close' follows every stream error and does the cleanup.
}

/**
 * One HTTP/2 stream on the proxy's server side: it feeds the request body to the dispatcher
 * with flow control (pausing the stream stops WINDOW_UPDATEs), and it is the
 * {@link ResponseHandler} that writes the response back — head, DATA with backpressure,
 * trailers, 1xx — or, on failure, a synthesized response (before the head) or RST_STREAM /
 * gRPC error trailers (after it).
 */
export class Http2ServerExchange implements ResponseHandler {
  readonly request: HttpRequest;
  readonly #stream: ExchangeStream;
  readonly #owner: ServerExchangeOwner;
  #control: FlowControl | undefined;
  #body: RequestBody | null = null;
  /** Trailers the client sent with the request body. */
  requestTrailers: HeaderList | null = null;
  #received = 0;
  #requestEnded: boolean;
  #headSent = false;
  #responseDone = false;
  #waitTrailers = false;
  #trailers: HeaderList | null = null;
  #closed = false;

  constructor(
    owner: ServerExchangeOwner,
    stream: ServerHttp2Stream,
    request: HttpRequest,
    endStream: boolean,
  ) {
    this.#owner = owner;
    this.#stream = stream as ExchangeStream;
    this.request = request;
    this.#requestEnded = endStream;
    const s = this.#stream;
    s[kExchange] = this;
    s.on('close', onStreamClose);
    s.on('error', ignore);
    // A CONNECT stream carries tunnel bytes, not a body: they stay in the (flow-controlled)
    // stream until the upstream accepts the tunnel, then are piped through.
    if (!endStream && request.method !== 'CONNECT') {
      const body = new RequestBody(s);
      this.#body = body;
      request.body = body;
      s.on('data', onRequestData);
      s.on('trailers', onRequestTrailers);
      s.on('end', onRequestEnd);
    }
  }

  /** Whether the response was fully sent (or the exchange otherwise finished). */
  get done(): boolean {
    return this.#responseDone;
  }

  // Request body (from the client).

  /** @internal */
  requestData(chunk: Buffer): void {
    this.#received += chunk.length;
    const cl = this.request.contentLength;
    if (cl >= 0 && this.#received > cl) {
      // nghttp2 checks this too; never forward bytes past the declared length (H2.CL smuggling).
      this.#malformedBody(`request body exceeds content-length ${cl}`);
      return;
    }
    this.#body!.push(chunk);
  }

  /** @internal */
  requestEnd(): void {
    const s = this.#stream;
    if (s.closed && (s.rstCode !== H2.NO_ERROR || !this.#responseDone)) {
      // The readable side ended because the client reset the stream, not with END_STREAM: the
      // body is incomplete and must not look complete upstream.
      this.#body!.fail(
        new Error(`client reset the HTTP/2 stream (${http2ErrorName(s.rstCode)}) during the body`),
      );
      return;
    }
    this.#requestEnded = true;
    const cl = this.request.contentLength;
    if (cl >= 0 && this.#received !== cl) {
      this.#malformedBody(`request body of ${this.#received} bytes does not match content-length ${cl}`);
      return;
    }
    this.#body!.end(this.requestTrailers);
  }

  #malformedBody(message: string): void {
    const err = new SkeinError('ERR_SKEIN_PROTOCOL', `malformed HTTP/2 request: ${message}`);
    this.#body!.fail(err);
    this.#abortUpstream(err);
    this.#responseDone = true;
    if (!this.#stream.destroyed) this.#stream.close(H2.PROTOCOL_ERROR);
  }

  // ResponseHandler (from the upstream).

  onStart(control: FlowControl): void {
    this.#control = control;
  }

  onInformational(status: number, headers: HeaderList): void {
    const s = this.#stream;
    if (this.#headSent || status === 101 || s.destroyed || s.closed || s.headersSent) return;
    const obj = fieldsToObject(headers);
    obj[':status'] = status;
    s.additionalHeaders(obj);
  }

  onHead(head: ResponseHead): void {
    const s = this.#stream;
    if (this.#responseDone || s.destroyed || s.closed) {
      this.#abortUpstream(new Error('client stream already closed'));
      return;
    }
    if (head.status < 200 || head.status > 599) {
      this.onError(new UpstreamIoError(`upstream sent final status ${head.status}, invalid over HTTP/2`));
      return;
    }
    const endStream = !head.hasBody || this.request.method === 'HEAD';
    const wait =
      !endStream && head.contentLength < 0 && (head.version === 20 || hasHeader(head.headers, 'trailer'));
    try {
      s.respond(
        http2ResponseHeaders(head),
        endStream ? RESPOND_END : wait ? RESPOND_BODY_TRAILERS : RESPOND_BODY,
      );
    } catch (err) {
      this.onError(
        new UpstreamIoError(`upstream response cannot be sent over HTTP/2: ${(err as Error).message}`),
      );
      return;
    }
    this.#headSent = true;
    this.#waitTrailers = wait;
    if (endStream) {
      this.#finishResponse();
      if (this.#body === null) this.#stopRequestBody();
      return;
    }
    s.on('drain', onStreamDrain);
    if (wait) s.once('wantTrailers', onWantTrailers);
  }

  onData(chunk: Buffer): boolean {
    if (this.#responseDone || !this.#headSent) return true;
    const s = this.#stream;
    if (s.destroyed) return true;
    return s.write(chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    if (this.#responseDone) return;
    if (!this.#headSent) {
      this.onError(new UpstreamIoError('upstream ended the exchange without a response'));
      return;
    }
    this.#trailers = trailers;
    this.#finishResponse();
    const s = this.#stream;
    if (s.destroyed) return;
    s.end();
    if (this.#body === null && !this.#requestEnded) this.#stopRequestBody();
  }

  onError(error: Error): void {
    if (this.#responseDone) return;
    const s = this.#stream;
    this.#responseDone = true;
    if (s.destroyed || s.closed) return;
    const reset = error instanceof Http2StreamResetError ? error.http2Code : -1;
    if (!this.#headSent) {
      this.#headSent = true;
      if (reset >= 0) {
        // linkerd2-proxy passes an upstream's HTTP/2 reset on as a reset.
        s.close(reset === H2.NO_ERROR ? H2.INTERNAL_ERROR : reset);
        return;
      }
      this.#owner.onSynthesized?.(error);
      const synthesized = synthesizeResponse(error, this.request.grpc, this.#owner.informationalHeaders);
      s.respond(http2ResponseHeaders(synthesized.head), RESPOND_END);
      this.#stopRequestBody();
      return;
    }
    if (this.request.grpc && this.#waitTrailers && reset < 0) {
      // A gRPC client learns more from a status than from a reset (linkerd2-proxy's gRPC rescue).
      const m = mapError(error);
      this.#trailers = [
        'grpc-status',
        String(m.grpcStatus),
        'grpc-message',
        encodeGrpcMessage(error.message),
      ];
      s.end();
      return;
    }
    s.close(reset >= 0 ? reset : isTimeout(error) ? H2.CANCEL : H2.INTERNAL_ERROR);
  }

  onUpgrade(head: ResponseHead, upstream: Duplex, rest: Buffer): void {
    const s = this.#stream;
    if (this.request.method !== 'CONNECT' || head.status < 200 || head.status > 299 || s.destroyed) {
      upstream.destroy();
      this.onError(
        new UpstreamIoError(`upstream switched protocols (${head.status}), impossible over HTTP/2`),
      );
      return;
    }
    this.#headSent = true;
    this.#responseDone = true;
    s.respond(http2ResponseHeaders({ ...head, headers: [] }), RESPOND_BODY);
    // From now on the stream is a byte tunnel: bypass the request body and pipe both ways.
    if (rest.length > 0) s.write(rest);
    s.pipe(upstream);
    upstream.pipe(s);
    upstream.on('error', () => s.close(H2.CONNECT_ERROR));
    upstream.on('close', () => {
      if (!s.destroyed) s.end();
    });
    s.once('close', () => upstream.destroy());
  }

  // Stream events.

  /** @internal The client socket has room again. */
  drained(): void {
    this.#control?.resume();
  }

  /** @internal Sends the trailers held for this response (empty: a bare END_STREAM). */
  sendTrailers(): void {
    const s = this.#stream;
    if (s.destroyed || s.closed) return;
    const t = this.#trailers;
    s.sendTrailers(t === null ? {} : fieldsToObject(t));
  }

  /** @internal */
  streamClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    const clientReset = !this.#responseDone;
    if (clientReset) {
      this.#responseDone = true;
      const code = this.#stream.rstCode ?? H2.CANCEL;
      const err = new Error(`client reset the HTTP/2 stream (${http2ErrorName(code)})`);
      this.#body?.fail(err);
      this.#abortUpstream(err);
    } else if (!this.#requestEnded) {
      this.#body?.fail(new Error('HTTP/2 stream closed before the request body ended'));
    }
    this.#owner.exchangeClosed(this, clientReset);
  }

  #finishResponse(): void {
    this.#responseDone = true;
  }

  /** After an early final response, a body nobody reads must not hold the stream open. */
  #stopRequestBody(): void {
    if (!this.#requestEnded) this.#stream.close(H2.NO_ERROR);
  }

  #abortUpstream(error: Error): void {
    this.#control?.abort(error);
  }
}

function isTimeout(error: Error): boolean {
  if (!(error instanceof SkeinError)) return false;
  return error.code === 'ERR_SKEIN_TIMEOUT' || error.code === 'ERR_SKEIN_RESPONSE_TIMEOUT';
}
