import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { UpstreamIoError } from '../errors/proxy-errors.js';
import { synthesizeResponse } from '../errors/synthesize.js';
import { isGrpcContentType } from '../http/headers.js';
import { RequestBody } from '../http/request-body.js';
import type {
  Dispatcher,
  FlowControl,
  HeaderList,
  HttpRequest,
  ResponseHandler,
  ResponseHead,
} from '../http/types.js';
import type { ConnectionInfo } from '../transport/connection-info.js';
import { BodyDecoder } from './body-decoder.js';
import { HttpParseError } from './parse-error.js';
import { parseRequestHead, type RequestHead } from './request-head.js';
import { chunkHeader, lastChunk, responseHeadText, statusLine } from './serialize.js';

/** Limits and behaviour of an HTTP/1 server connection. */
export interface Http1ServerOptions {
  /** Where requests go. */
  dispatcher: Dispatcher;
  /** What is known about the connection. */
  info: ConnectionInfo;
  /** Largest request head in bytes (default 16 KiB; larger → 431). */
  maxHeaderBytes?: number;
  /** Most header fields (default 100; more → 431). */
  maxHeaders?: number;
  /** Longest request-target (default 8 KiB; longer → 414). */
  maxTargetBytes?: number;
  /** Whether synthesized errors carry `l5d-proxy-error`. */
  informationalHeaders?: boolean;
  /** Called for each error answered with a synthesized response (the errors metric). */
  onSynthesized?: (error: Error) => void;
  /** Scheme of requests in origin-form (`http`, or `https` behind TLS termination). */
  scheme?: string;
  /** Called once when the connection is finished. */
  onClose?: () => void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = '\r\n';

enum State {
  Head,
  Body,
  Waiting,
  Tunnel,
  Closed,
}

/**
 * One client connection speaking HTTP/1.x to the proxy. It parses request heads strictly,
 * streams bodies in both directions with backpressure, handles keep-alive and pipelining (one
 * exchange at a time), upgrades and CONNECT tunnels, and turns dispatcher errors into the
 * synthesized responses of the spec. Timeouts are driven from outside via {@link checkTimeouts}
 * so that no timer is created per request.
 */
export class Http1ServerConnection {
  readonly socket: Socket;
  readonly #opts: Http1ServerOptions;
  readonly #maxHeaderBytes: number;
  readonly #limits: { maxHeaders: number; maxTargetBytes: number };
  #state = State.Head;
  #pending: Buffer | null = null;
  #exchange: Exchange | null = null;
  #headStartedAt = 0;
  #idleSince: number;
  #draining = false;
  #requests = 0;
  #closed = false;

  constructor(socket: Socket, initial: Buffer | null, options: Http1ServerOptions) {
    this.socket = socket;
    this.#opts = options;
    this.#maxHeaderBytes = options.maxHeaderBytes ?? 16 * 1024;
    this.#limits = { maxHeaders: options.maxHeaders ?? 100, maxTargetBytes: options.maxTargetBytes ?? 8192 };
    this.#idleSince = performance.now();
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('close', () => this.#onClose());
    socket.on('error', () => {
      // 'close' follows and cleans up; errors of one client are not the proxy's concern.
    });
    socket.on('drain', () => this.#exchange?.onDrain());
    if (initial !== null && initial.length > 0) this.#onData(initial);
  }

  /** Requests handled so far on this connection. */
  get requests(): number {
    return this.#requests;
  }

  /** Whether no exchange is in progress. */
  get idle(): boolean {
    return this.#exchange === null && this.#state !== State.Closed;
  }

  /**
   * Enforces the header timeout (408 when a request head is incomplete for `headersTimeoutMs`)
   * and the keep-alive idle timeout. Called periodically by the listener's sweeper.
   */
  checkTimeouts(
    now: number,
    headersTimeoutMs: number,
    idleTimeoutMs: number,
    requestTimeoutMs = 300_000,
  ): void {
    const exchange = this.#exchange;
    if (exchange !== null) {
      // A request body still arriving after the request deadline (slow-body attacks): 408 if
      // the response has not started, else the connection is cut; the upstream is aborted.
      if (!exchange.requestDone && now - exchange.request.receivedAt >= requestTimeoutMs) {
        exchange.requestTimedOut(requestTimeoutMs);
      }
      return;
    }
    if (this.#state !== State.Head) return;
    if (this.#headStartedAt > 0) {
      if (now - this.#headStartedAt >= headersTimeoutMs) {
        this.#fail(new HttpParseError(408, `request head not received within ${headersTimeoutMs}ms`));
      }
    } else if (now - this.#idleSince >= idleTimeoutMs) {
      this.#destroy();
    }
  }

  /** Graceful shutdown: close now when idle, else after the current response. */
  drain(): void {
    this.#draining = true;
    if (this.#exchange === null && this.#state === State.Head && this.#headStartedAt === 0) this.#end();
  }

  #onData(chunk: Buffer): void {
    switch (this.#state) {
      case State.Head:
        this.#readHead(chunk);
        return;
      case State.Body:
        this.#feedBody(chunk, 0);
        return;
      case State.Waiting:
        // Pipelined bytes: keep them for after this exchange, bounded.
        this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk]);
        if (this.#pending.length > this.#maxHeaderBytes) this.socket.pause();
        return;
      default:
        return;
    }
  }

  #readHead(chunk: Buffer): void {
    const prev = this.#pending;
    let buf: Buffer;
    let from = 0;
    if (prev === null) {
      buf = chunk;
    } else {
      buf = Buffer.concat([prev, chunk]);
      from = Math.max(0, prev.length - 3);
    }
    this.#pending = null;
    this.#processHead(buf, 0, from);
  }

  #processHead(buf: Buffer, start: number, searchFrom: number): void {
    // RFC 9112 §2.2: ignore at least one empty line before a request-line.
    while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) {
      start += 2;
      if (searchFrom < start) searchFrom = start;
    }
    const idx = buf.indexOf(CRLFCRLF, Math.max(start, searchFrom));
    if (idx < 0) {
      if (buf.length - start > this.#maxHeaderBytes) {
        this.#fail(this.#oversizeError(buf, start));
        return;
      }
      if (start < buf.length) {
        this.#pending = start === 0 ? buf : buf.subarray(start);
        if (this.#headStartedAt === 0) this.#headStartedAt = performance.now();
      }
      return;
    }
    if (idx + 4 - start > this.#maxHeaderBytes) {
      this.#fail(this.#oversizeError(buf, start));
      return;
    }
    let head: RequestHead;
    try {
      head = parseRequestHead(buf.toString('latin1', start, idx + 2), this.#limits);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    this.#headStartedAt = 0;
    this.#requests++;
    const exchange = new Exchange(this, head, this.#request(head));
    this.#exchange = exchange;
    const bodyStart = idx + 4;
    if (exchange.decoder !== null) {
      this.#state = State.Body;
    } else {
      this.#state = State.Waiting;
      if (bodyStart < buf.length) this.#pending = buf.subarray(bodyStart);
    }
    this.#opts.dispatcher.dispatch(exchange.request, exchange);
    if (exchange.decoder !== null && bodyStart < buf.length && this.#exchange === exchange) {
      this.#feedBody(buf, bodyStart);
    }
  }

  #oversizeError(buf: Buffer, start: number): HttpParseError {
    const lineEnd = buf.indexOf('\r\n', start);
    const lineLength = lineEnd < 0 ? buf.length - start : lineEnd - start;
    if (lineLength > this.#limits.maxTargetBytes) {
      return new HttpParseError(414, `request line exceeds ${this.#limits.maxTargetBytes} bytes`);
    }
    return new HttpParseError(431, `request head exceeds ${this.#maxHeaderBytes} bytes`);
  }

  #request(head: RequestHead): HttpRequest {
    const info = this.#opts.info;
    let authority = head.host ?? '';
    let path = head.target;
    let scheme = this.#opts.scheme ?? 'http';
    let absoluteForm = false;
    if (head.method === 'CONNECT') {
      authority = head.target;
    } else if (path.charCodeAt(0) !== 47 && path !== '*') {
      // absolute-form: scheme://authority/path
      const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)/.exec(path);
      if (m !== null) {
        scheme = m[1]!.toLowerCase();
        authority = m[2]!;
        path = m[3] === '' ? '/' : m[3]!;
        // Transparent proxying keeps the client's absolute-form (as linkerd2-proxy does); as an
        // explicit forward proxy (no original destination) the origin gets origin-form.
        absoluteForm = info.originalDst !== undefined;
      }
    }
    let grpc = false;
    const headers = head.headers;
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i] === 'content-type') {
        grpc = isGrpcContentType(headers[i + 1]);
        break;
      }
    }
    return {
      method: head.method,
      scheme,
      authority,
      path,
      version: head.minor === 1 ? 11 : 10,
      headers,
      contentLength: head.contentLength,
      body: null,
      absoluteForm,
      upgrade: head.upgrade,
      expectContinue: head.expectContinue,
      connection: info,
      receivedAt: performance.now(),
      grpc,
      stream: this.#requests,
    };
  }

  #feedBody(buf: Buffer, start: number): void {
    const exchange = this.#exchange!;
    let end: number;
    try {
      end = exchange.decoder!.feed(buf, start);
    } catch (err) {
      exchange.request.body?.fail(err as Error);
      this.#fail(err as Error);
      return;
    }
    if (end < 0) return;
    exchange.request.body!.end(exchange.decoder!.trailers);
    exchange.requestDone = true;
    this.#state = State.Waiting;
    if (end < buf.length) this.#pending = buf.subarray(end);
    if (exchange.responseDone) this.#finishExchange(exchange);
  }

  /** Called by the exchange when the response was fully written. @internal */
  responseFinished(exchange: Exchange, close: boolean): void {
    if (this.#exchange !== exchange) return;
    if (close || this.#draining || !exchange.requestDone) {
      this.#end();
      return;
    }
    if (exchange.requestDone) this.#finishExchange(exchange);
  }

  #finishExchange(exchange: Exchange): void {
    if (this.#exchange !== exchange) return;
    if (exchange.head.close || exchange.closeAfter || this.#draining) {
      this.#end();
      return;
    }
    this.#exchange = null;
    this.#state = State.Head;
    this.#idleSince = performance.now();
    const pending = this.#pending;
    this.#pending = null;
    if (this.socket.isPaused()) this.socket.resume();
    if (pending !== null) this.#processHead(pending, 0, 0);
  }

  /** Switches the connection to a byte tunnel with `upstream` (upgrade or CONNECT). */
  tunnel(upstream: Duplex, rest: Buffer): void {
    this.#state = State.Tunnel;
    const socket = this.socket;
    socket.removeAllListeners('data');
    socket.removeAllListeners('drain');
    if (rest.length > 0) socket.write(rest);
    const pending = this.#pending;
    this.#pending = null;
    if (pending !== null) upstream.write(pending);
    socket.pipe(upstream);
    upstream.pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    if (socket.isPaused()) socket.resume();
  }

  /** Writes a response for `error` (if nothing was sent yet) and closes. */
  #fail(error: Error): void {
    const exchange = this.#exchange;
    if (exchange !== null) {
      exchange.abortUpstream(error);
      if (exchange.headSent) {
        this.#destroy();
        return;
      }
    }
    if (this.#state === State.Closed) return;
    const status = error instanceof HttpParseError ? error.status : 400;
    const body = `${error.message}\n`;
    this.socket.write(
      `${statusLine(status)}content-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      'latin1',
    );
    this.#end();
  }

  #end(): void {
    if (this.#state === State.Closed) return;
    this.#state = State.Closed;
    this.socket.end();
    // A peer that never reads its socket must not keep the connection forever.
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }

  #destroy(): void {
    this.#state = State.Closed;
    this.socket.destroy();
  }

  #onEnd(): void {
    const exchange = this.#exchange;
    if (this.#state === State.Body && exchange !== null) {
      try {
        exchange.decoder!.finish();
      } catch (err) {
        exchange.request.body?.fail(err as Error);
        exchange.abortUpstream(err as Error);
        this.#destroy();
        return;
      }
    }
    if (exchange === null) {
      this.#end();
      return;
    }
    // Half-close from the client: finish the current response, then close.
    exchange.closeAfter = true;
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = State.Closed;
    const exchange = this.#exchange;
    if (exchange !== null && !exchange.responseDone) {
      const err = new Error('client closed the connection');
      exchange.request.body?.fail(err);
      exchange.abortUpstream(err);
    }
    this.#exchange = null;
    this.#opts.onClose?.();
  }

  /** Whether l5d-proxy-error is added to synthesized responses. */
  /** See {@link Http1ServerOptions.onSynthesized}. */
  get onSynthesized(): ((error: Error) => void) | undefined {
    return this.#opts.onSynthesized;
  }

  get informationalHeaders(): boolean {
    return this.#opts.informationalHeaders ?? true;
  }

  /** Internal: whether the socket is writable. */
  get open(): boolean {
    return this.#state !== State.Closed;
  }
}

/** One request/response exchange on an {@link Http1ServerConnection}. */
class Exchange implements ResponseHandler {
  readonly conn: Http1ServerConnection;
  readonly head: RequestHead;
  readonly request: HttpRequest;
  readonly decoder: BodyDecoder | null;
  requestDone: boolean;
  responseDone = false;
  headSent = false;
  closeAfter = false;
  #control: FlowControl | undefined;
  #framing: 'none' | 'length' | 'chunked' | 'close' = 'none';
  #close = false;
  #uncorkScheduled = false;

  constructor(conn: Http1ServerConnection, head: RequestHead, request: HttpRequest) {
    this.conn = conn;
    this.head = head;
    this.request = request;
    const hasBody = head.chunked || head.contentLength > 0;
    if (hasBody) {
      const body = new RequestBody(conn.socket);
      request.body = body;
      this.decoder = new BodyDecoder(head.chunked ? 'chunked' : 'length', head.contentLength, this, 400);
      this.requestDone = false;
    } else {
      this.decoder = null;
      this.requestDone = true;
    }
  }

  /** The request body did not complete within the request deadline. */
  requestTimedOut(timeoutMs: number): void {
    const error = new HttpParseError(408, `request body not received within ${timeoutMs}ms`);
    this.#control?.abort(error);
    this.request.body?.fail(error);
    if (this.headSent || this.responseDone) {
      this.responseDone = true;
      this.conn.socket.destroy();
      return;
    }
    this.onError(error);
  }

  /** BodyDecoderSink: request payload from the client. */
  onBodyData(chunk: Buffer): void {
    this.request.body!.push(chunk);
  }

  onStart(control: FlowControl): void {
    this.#control = control;
  }

  onInformational(status: number, headers: HeaderList): void {
    if (!this.conn.open || this.headSent) return;
    // 1xx responses only make sense to HTTP/1.1 clients.
    if (this.request.version !== 11) return;
    let text = statusLine(status);
    for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}${CRLF}`;
    this.conn.socket.write(`${text}${CRLF}`, 'latin1');
  }

  onHead(head: ResponseHead): void {
    if (!this.conn.open) {
      this.#control?.abort(new Error('client connection closed'));
      return;
    }
    const req = this.request;
    let framing: 'none' | 'length' | 'chunked' | 'close';
    if (!head.hasBody || req.method === 'HEAD') framing = 'none';
    else if (head.contentLength >= 0) framing = 'length';
    else if (req.version === 11) framing = 'chunked';
    else framing = 'close';
    this.#framing = framing;
    this.#close = this.head.close || this.closeAfter || framing === 'close' || head.close === true;
    const keepAlive10 = req.version === 10 && !this.#close;
    this.headSent = true;
    const socket = this.conn.socket;
    socket.cork();
    socket.write(responseHeadText(head, framing, this.#close, keepAlive10), 'latin1');
    this.#scheduleUncork();
    if (framing === 'none') this.#complete(null);
  }

  onData(chunk: Buffer): boolean {
    if (!this.conn.open || this.responseDone) return true;
    if (!this.headSent) {
      // A layer below broke the handler contract: never drop body bytes silently.
      const error = new UpstreamIoError('response body data arrived before the response head');
      this.#control?.abort(error);
      this.onError(error);
      return true;
    }
    const socket = this.conn.socket;
    if (this.#framing === 'chunked') {
      if (chunk.length === 0) return true;
      if (!this.#uncorkScheduled) {
        socket.cork();
        this.#scheduleUncork();
      }
      socket.write(chunkHeader(chunk.length), 'latin1');
      socket.write(chunk);
      return socket.write(CRLF, 'latin1');
    }
    if (this.#framing === 'none') return true;
    return socket.write(chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    if (this.responseDone) return;
    if (this.#framing === 'chunked' && this.conn.open) {
      // Trailers only reach HTTP/1.1 clients that can take them (chunked coding).
      this.conn.socket.write(lastChunk(trailers), 'latin1');
    }
    this.#complete(trailers);
  }

  onError(error: Error): void {
    if (this.responseDone) return;
    if (this.headSent || !this.conn.open) {
      // The response is already under way: the only honest signal left is to cut it.
      this.responseDone = true;
      this.conn.socket.destroy(error);
      return;
    }
    this.conn.onSynthesized?.(error);
    const synthesized = synthesizeResponse(error, this.request.grpc, this.conn.informationalHeaders);
    if (!this.requestDone) synthesized.close = true;
    this.headSent = true;
    this.#close = synthesized.close || this.head.close || this.closeAfter;
    this.conn.socket.write(
      responseHeadText(synthesized.head, 'none', this.#close, this.request.version === 10 && !this.#close),
      'latin1',
    );
    this.#complete(null);
  }

  onUpgrade(head: ResponseHead, upstream: Duplex, rest: Buffer): void {
    if (!this.conn.open) {
      upstream.destroy();
      return;
    }
    this.headSent = true;
    this.responseDone = true;
    let text = statusLine(head.status, head.reason);
    for (let i = 0; i < head.headers.length; i += 2)
      text += `${head.headers[i]}: ${head.headers[i + 1]}${CRLF}`;
    if (head.status === 101)
      text += `connection: upgrade${CRLF}upgrade: ${this.request.upgrade ?? ''}${CRLF}`;
    this.conn.socket.write(`${text}${CRLF}`, 'latin1');
    this.conn.tunnel(upstream, rest);
  }

  /** The client socket drained: let the upstream deliver again. */
  onDrain(): void {
    this.#control?.resume();
    this.request.body?.resume();
  }

  /** Cancels the upstream side of the exchange. */
  abortUpstream(error: Error): void {
    if (!this.responseDone) this.#control?.abort(error);
  }

  #complete(_trailers: HeaderList | null): void {
    this.responseDone = true;
    this.conn.responseFinished(this, this.#close);
  }

  #scheduleUncork(): void {
    if (this.#uncorkScheduled) return;
    this.#uncorkScheduled = true;
    setImmediate(uncork, this);
  }

  /** Internal: flushes corked writes. */
  flush(): void {
    this.#uncorkScheduled = false;
    const socket = this.conn.socket;
    while (socket.writableCorked > 0) socket.uncork();
  }
}

function uncork(exchange: Exchange): void {
  exchange.flush();
}
