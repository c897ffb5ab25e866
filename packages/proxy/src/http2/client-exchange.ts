import type { ClientHttp2Session, ClientHttp2Stream, OutgoingHttpHeaders } from 'node:http2';
import { constants } from 'node:http2';
import { UpstreamIoError } from '../errors/proxy-errors.js';
import { hasHeader } from '../http/headers.js';
import type { BodySink } from '../http/request-body.js';
import type { FlowControl, HeaderList, HttpRequest, ResponseHandler } from '../http/types.js';
import { RAW_REQUEST_HEADERS } from './node-features.js';
import { http2RequestHeaders } from './request-conversion.js';
import { fieldsFromHttp2, fieldsToObject, responseHeadFromHttp2 } from './response-conversion.js';
import { H2, Http2StreamResetError, Http2UnsupportedRequestError, http2ErrorName } from './stream-errors.js';

/** What a client exchange needs from its pool. */
export interface ClientExchangeOwner {
  /** Label for error messages (the endpoint's authority). */
  readonly label: string;
  /** The stream of `exchange` is gone; its session slot is free. */
  streamClosed(exchange: Http2ClientExchange): void;
  /** The request was refused before any processing: send it again (on a fresh session). */
  resubmit(exchange: Http2ClientExchange): void;
  /** The exchange was cancelled while it waited for a session. */
  cancelled(exchange: Http2ClientExchange): void;
}

const END_STREAM = constants.NGHTTP2_FLAG_END_STREAM;
const kExchange = Symbol('skein.http2.clientExchange');
type ExchangeStream = ClientHttp2Stream & { [kExchange]?: Http2ClientExchange };

const OPEN = { endStream: false };
const OPEN_TRAILERS = { endStream: false, waitForTrailers: true };
const CLOSED = { endStream: true };

function onResponse(this: ExchangeStream, _h: unknown, flags: number, raw: string[]): void {
  this[kExchange]?.response(flags, raw);
}
function onInformational(this: ExchangeStream, _h: unknown, _f: number, raw: string[]): void {
  this[kExchange]?.informational(raw);
}
function onData(this: ExchangeStream, chunk: Buffer): void {
  this[kExchange]?.data(chunk);
}
function onTrailers(this: ExchangeStream, _h: unknown, _f: number, raw: string[]): void {
  const ex = this[kExchange];
  if (ex !== undefined) ex.trailers = fieldsFromHttp2(raw);
}
function onEnd(this: ExchangeStream): void {
  this[kExchange]?.end();
}
function onClose(this: ExchangeStream): void {
  this[kExchange]?.closed();
}
function onDrain(this: ExchangeStream): void {
  this[kExchange]?.request.body?.resume();
}
function onWantTrailers(this: ExchangeStream): void {
  this[kExchange]?.sendTrailers();
}
const DISCARD: BodySink = {
  onData: () => true,
  onEnd() {},
  onError() {},
};

function ignore(): void {
  // 'close' follows every stream error and does the cleanup.
}

/**
 * One request sent upstream on an HTTP/2 stream: it streams the request body with backpressure
 * (a full stream window makes `write` return false, which pauses the client), delivers the
 * response to the {@link ResponseHandler}, and is the handler's {@link FlowControl}.
 */
export class Http2ClientExchange implements FlowControl, BodySink {
  readonly request: HttpRequest;
  readonly handler: ResponseHandler;
  readonly #owner: ClientExchangeOwner;
  #stream: ExchangeStream | null = null;
  #session: ClientHttp2Session | null = null;
  /** Trailers the upstream sent after the response body. */
  trailers: HeaderList | null = null;
  #requestTrailers: HeaderList | null = null;
  #bodyBytes = 0;
  #gotHead = false;
  #done = false;
  /**
   * DATA (and END_STREAM) that arrived before the head: node:http2 emits `'response'` on the
   * next tick but delivers DATA from the same read at once, so a response whose HEADERS and
   * DATA share a read reaches `data` first. Held here and delivered right after the head.
   */
  #early: Buffer[] | null = null;
  #endedEarly = false;
  /** Whether the exchange was already sent again after a refused stream. */
  retried = false;

  constructor(owner: ClientExchangeOwner, request: HttpRequest, handler: ResponseHandler) {
    this.#owner = owner;
    this.request = request;
    this.handler = handler;
    handler.onStart(this);
  }

  /** Whether the exchange has finished (response delivered, failed or aborted). */
  get done(): boolean {
    return this.#done;
  }

  /** The session carrying the stream, once started. */
  get session(): ClientHttp2Session | null {
    return this.#session;
  }

  /** Opens the stream on `session` and starts sending. */
  start(session: ClientHttp2Session): void {
    const request = this.request;
    const body = request.body;
    const raw = http2RequestHeaders(request);
    const headers: string[] | OutgoingHttpHeaders = RAW_REQUEST_HEADERS ? raw : rawToObject(raw);
    const trailers = body !== null && hasHeader(request.headers, 'trailer');
    let stream: ExchangeStream;
    try {
      stream = session.request(
        headers,
        body === null ? CLOSED : trailers ? OPEN_TRAILERS : OPEN,
      ) as ExchangeStream;
    } catch (err) {
      this.fail(
        new Http2UnsupportedRequestError(`request cannot be sent over HTTP/2: ${(err as Error).message}`),
      );
      return;
    }
    this.#session = session;
    this.#stream = stream;
    stream[kExchange] = this;
    stream.on('response', onResponse);
    stream.on('headers', onInformational);
    stream.on('data', onData);
    stream.on('trailers', onTrailers);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    stream.on('error', ignore);
    if (body !== null) {
      stream.on('drain', onDrain);
      if (trailers) stream.once('wantTrailers', onWantTrailers);
      body.attach(this);
    }
  }

  /** Fails the exchange before or instead of a response. */
  fail(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.request.body?.detach();
    this.handler.onError(error);
  }

  // BodySink: the request body from the client.

  onData(chunk: Buffer): boolean {
    const s = this.#stream;
    if (s === null || s.destroyed) return true;
    this.#bodyBytes += chunk.length;
    return s.write(chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    const s = this.#stream;
    if (s === null || s.destroyed) return;
    this.#requestTrailers = trailers;
    s.end();
  }

  onError(error: Error): void {
    // The client's body failed (it went away or sent bad framing): cancel upstream.
    this.abort(error);
  }

  // FlowControl for the response.

  pause(): void {
    this.#stream?.pause();
  }

  resume(): void {
    const s = this.#stream;
    if (s !== null && !s.destroyed) s.resume();
  }

  abort(_reason: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.request.body?.detach();
    const s = this.#stream;
    if (s === null) {
      this.#owner.cancelled(this);
      return;
    }
    if (!s.destroyed) s.close(H2.CANCEL);
  }

  // Stream events.

  /** @internal */
  response(flags: number, raw: string[]): void {
    if (this.#done) return;
    const head = responseHeadFromHttp2(raw, (flags & END_STREAM) !== 0, this.request.method);
    if (head === undefined) {
      this.#stream!.close(H2.PROTOCOL_ERROR);
      this.fail(new UpstreamIoError(`upstream ${this.#owner.label} sent an invalid HTTP/2 response head`));
      return;
    }
    this.#gotHead = true;
    this.handler.onHead(head);
    const early = this.#early;
    if (early !== null) {
      this.#early = null;
      for (const chunk of early) this.data(chunk);
    }
    if (this.#endedEarly) this.end();
  }

  /** @internal */
  informational(raw: string[]): void {
    if (this.#done || this.#gotHead) return;
    let status = 0;
    for (let i = 0; i < raw.length; i += 2) if (raw[i] === ':status') status = Number(raw[i + 1]);
    this.handler.onInformational?.(status, fieldsFromHttp2(raw));
  }

  /** @internal */
  data(chunk: Buffer): void {
    if (this.#done) return;
    if (!this.#gotHead) {
      if (this.#early === null) this.#early = [chunk];
      else this.#early.push(chunk);
      return;
    }
    if (!this.handler.onData(chunk)) this.#stream!.pause();
  }

  /** @internal */
  end(): void {
    if (this.#done) return;
    if (!this.#gotHead) {
      this.#endedEarly = true;
      return;
    }
    this.#done = true;
    this.handler.onEnd(this.trailers);
  }

  /** @internal */
  sendTrailers(): void {
    const s = this.#stream;
    if (s === null || s.destroyed || s.closed) return;
    const t = this.#requestTrailers;
    s.sendTrailers(t === null ? {} : fieldsToObject(t));
  }

  /** @internal */
  closed(): void {
    const s = this.#stream!;
    this.#owner.streamClosed(this);
    if (this.#done) {
      // The response is complete, yet the client may still be sending the body (the upstream
      // answered early): discard the rest so the client is not left stalled on flow control.
      this.request.body?.attach(DISCARD);
      return;
    }
    const code = s.rstCode ?? H2.CANCEL;
    const session = this.#session!;
    // REFUSED_STREAM (by RST or by a GOAWAY below this stream's id) means the upstream did not
    // process the request, so it may go out again if the body can be replayed.
    if (code === H2.REFUSED_STREAM && !this.#gotHead && !this.retried && this.#replayable()) {
      this.retried = true;
      this.#stream = null;
      this.#session = null;
      this.#bodyBytes = 0;
      this.trailers = null;
      this.#owner.resubmit(this);
      return;
    }
    const error = session.destroyed
      ? new UpstreamIoError(`HTTP/2 connection to ${this.#owner.label} was lost (${http2ErrorName(code)})`)
      : new Http2StreamResetError(code, this.#owner.label);
    this.fail(error);
  }

  #replayable(): boolean {
    const body = this.request.body;
    if (body === null) return true;
    body.detach();
    if (this.#bodyBytes === 0) return true;
    const copy = body.replay();
    if (copy === undefined) return false;
    this.request.body = copy;
    return true;
  }
}

/** Header object for runtimes whose `session.request()` takes no raw arrays. */
function rawToObject(raw: string[]): OutgoingHttpHeaders {
  const obj: OutgoingHttpHeaders = Object.create(null);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const prev = obj[name];
    if (prev === undefined) obj[name] = raw[i + 1]!;
    else if (Array.isArray(prev)) prev.push(raw[i + 1]!);
    else obj[name] = [String(prev), raw[i + 1]!];
  }
  return obj;
}
