import type { Socket } from 'node:net';
import { UpstreamIoError } from '../errors/proxy-errors.js';
import type { BodySink } from '../http/request-body.js';
import type { FlowControl, HeaderList, HttpRequest, ResponseHandler, ResponseHead } from '../http/types.js';
import { BodyDecoder } from './body-decoder.js';
import { HttpParseError } from './parse-error.js';
import { type ParsedResponseHead, parseResponseHead } from './response-head.js';
import { chunkHeader, lastChunk, requestHeadText } from './serialize.js';

const LFLF = Buffer.from('\n\n', 'latin1');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

/** What a pool needs to hear from its connections. */
export interface ClientConnectionOwner {
  /** `Host` to send when a request has no authority (an HTTP/1.0 request without `Host`). */
  readonly defaultHost: string;
  /** The connection finished an exchange and can take another. */
  release(conn: Http1ClientConnection): void;
  /** The connection is gone (closed, failed, or taken over by an upgrade). */
  remove(conn: Http1ClientConnection): void;
  /**
   * A reused connection failed before any response byte arrived and before the request body
   * was sent: the request may be retried on a fresh connection.
   */
  retry(request: HttpRequest, handler: ResponseHandler): void;
}

/**
 * One upstream HTTP/1.1 connection, carrying one exchange at a time. Responses are parsed
 * strictly (an invalid response becomes a 502 and closes the connection), bodies stream with
 * backpressure in both directions, and 1xx, 101 upgrades and CONNECT tunnels are handled.
 */
export class Http1ClientConnection implements FlowControl, BodySink {
  readonly socket: Socket;
  readonly #owner: ClientConnectionOwner;
  #request: HttpRequest | null = null;
  #handler: ResponseHandler | null = null;
  #pending: Buffer | null = null;
  #decoder: BodyDecoder | null = null;
  #chunkedRequest = false;
  #requestSent = true;
  #responseDone = true;
  #gotBytes = false;
  #closed = false;
  #reused = false;
  #closeAfter = false;
  /** `performance.now()` when the connection last became idle. */
  idleSince: number;

  constructor(socket: Socket, owner: ClientConnectionOwner) {
    this.socket = socket;
    this.#owner = owner;
    this.idleSince = performance.now();
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEof());
    socket.on('close', () => this.#onClose());
    socket.on('error', (err) => this.#onSocketError(err));
    socket.on('drain', () => this.#request?.body?.resume());
  }

  /** Whether the connection can take a request now. */
  get available(): boolean {
    return !this.#closed && this.#handler === null;
  }

  /** Sends `request`; the response goes to `handler`. */
  send(request: HttpRequest, handler: ResponseHandler): void {
    this.#request = request;
    this.#handler = handler;
    this.#requestSent = false;
    this.#responseDone = false;
    this.#gotBytes = false;
    this.#decoder = null;
    const body = request.body;
    this.#chunkedRequest = body !== null && request.contentLength < 0;
    handler.onStart(this);
    const socket = this.socket;
    if (socket.isPaused()) socket.resume();
    socket.write(requestHeadText(request, this.#chunkedRequest, this.#owner.defaultHost), 'latin1');
    if (body === null) {
      this.#requestSent = true;
    } else {
      body.attach(this);
    }
  }

  // BodySink: request body from the client, written with the framing chosen above.
  onData(chunk: Buffer): boolean {
    if (this.#closed) return true;
    const socket = this.socket;
    if (!this.#chunkedRequest) return socket.write(chunk);
    if (chunk.length === 0) return true;
    socket.cork();
    socket.write(chunkHeader(chunk.length), 'latin1');
    socket.write(chunk);
    const ok = socket.write('\r\n', 'latin1');
    socket.uncork();
    return ok;
  }

  onEnd(trailers: HeaderList | null): void {
    if (this.#closed) return;
    if (this.#chunkedRequest) this.socket.write(lastChunk(trailers), 'latin1');
    this.#requestSent = true;
    this.#maybeRelease();
  }

  onError(error: Error): void {
    // The client's body failed: the upstream exchange cannot complete.
    this.abort(error);
  }

  // FlowControl for the response.
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.#closed) this.socket.resume();
  }

  abort(reason: Error): void {
    if (this.#closed) return;
    this.#fail(reason, false);
  }

  /** Closes an idle connection. */
  close(): void {
    this.#closed = true;
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const handler = this.#handler;
    if (handler === null || this.#responseDone) {
      // Bytes with no request outstanding: the upstream is confused; drop the connection.
      this.close();
      this.#owner.remove(this);
      return;
    }
    this.#gotBytes = true;
    if (this.#decoder !== null) {
      this.#feedBody(chunk, 0);
      return;
    }
    let buf = chunk;
    let from = 0;
    if (this.#pending !== null) {
      from = Math.max(0, this.#pending.length - 3);
      buf = Buffer.concat([this.#pending, chunk]);
      this.#pending = null;
    }
    this.#readHead(buf, 0, from);
  }

  #readHead(buf: Buffer, start: number, from: number): void {
    const handler = this.#handler!;
    const request = this.#request!;
    for (;;) {
      const idx = buf.indexOf(CRLFCRLF, Math.max(start, from));
      // A head ended by bare LFs: refuse it (502) rather than wait for a CRLF that never comes.
      const lf = buf.indexOf(LFLF, Math.max(start, from - 1));
      if (lf >= 0 && (idx < 0 || lf < idx)) {
        this.#fail(new HttpParseError(502, 'upstream response head uses bare LF line endings'), true);
        return;
      }
      if (idx < 0) {
        if (buf.length - start > MAX_RESPONSE_HEAD_BYTES) {
          this.#fail(new HttpParseError(502, 'upstream response head too large'), true);
          return;
        }
        this.#pending = start === 0 ? buf : buf.subarray(start);
        return;
      }
      let parsed: ParsedResponseHead;
      try {
        parsed = parseResponseHead(buf.toString('latin1', start, idx + 2), request.method);
      } catch (err) {
        this.#fail(err as Error, true);
        return;
      }
      start = idx + 4;
      from = start;
      const status = parsed.status;
      if (status >= 100 && status < 200 && status !== 101) {
        handler.onInformational?.(status, parsed.headers);
        continue;
      }
      const head: ResponseHead = {
        status,
        reason: parsed.reason,
        headers: parsed.headers,
        contentLength:
          parsed.framing === 'length' ? parsed.contentLength : parsed.framing === 'none' ? 0 : -1,
        hasBody: parsed.framing !== 'none',
        version: parsed.minor === 1 ? 11 : 10,
      };
      if (
        (status === 101 && request.upgrade !== undefined) ||
        (request.method === 'CONNECT' && status < 300)
      ) {
        this.#takeOver(head, start < buf.length ? buf.subarray(start) : Buffer.alloc(0));
        return;
      }
      this.#closeAfter = parsed.close;
      if (parsed.framing === 'none') {
        handler.onHead(head);
        this.#finishResponse(null);
        if (start < buf.length) {
          this.close();
          this.#owner.remove(this);
        }
        return;
      }
      this.#decoder = new BodyDecoder(parsed.framing, parsed.contentLength, this.#sink, 502);
      handler.onHead(head);
      if (start < buf.length) this.#feedBody(buf, start);
      return;
    }
  }

  readonly #sink = {
    onBodyData: (chunk: Buffer): void => {
      if (this.#handler !== null && !this.#handler.onData(chunk)) this.socket.pause();
    },
  };

  #feedBody(buf: Buffer, start: number): void {
    let end: number;
    try {
      end = this.#decoder!.feed(buf, start);
    } catch (err) {
      this.#fail(err as Error, true);
      return;
    }
    if (end < 0) return;
    const trailers = this.#decoder!.trailers;
    this.#decoder = null;
    if (end < buf.length) {
      // The upstream sent more than one response for one request.
      this.#closeAfter = true;
    }
    this.#finishResponse(trailers);
  }

  #finishResponse(trailers: HeaderList | null): void {
    const handler = this.#handler!;
    this.#responseDone = true;
    handler.onEnd(trailers);
    this.#maybeRelease();
  }

  #maybeRelease(): void {
    if (!this.#responseDone || !this.#requestSent || this.#closed) return;
    this.#handler = null;
    this.#request = null;
    this.#pending = null;
    if (this.#closeAfter) {
      this.close();
      this.#owner.remove(this);
      return;
    }
    this.#reused = true;
    this.idleSince = performance.now();
    this.#owner.release(this);
  }

  #takeOver(head: ResponseHead, rest: Buffer): void {
    const handler = this.#handler!;
    this.#handler = null;
    this.#request = null;
    this.#closed = true;
    this.#owner.remove(this);
    const socket = this.socket;
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.removeAllListeners('close');
    socket.removeAllListeners('drain');
    socket.removeAllListeners('error');
    socket.on('error', () => socket.destroy());
    if (handler.onUpgrade === undefined) {
      socket.destroy();
      handler.onError(new UpstreamIoError('upgrade not supported on this path'));
      return;
    }
    handler.onUpgrade(head, socket, rest);
  }

  #onEof(): void {
    if (this.#decoder !== null) {
      try {
        this.#decoder.finish();
      } catch (err) {
        this.#fail(err as Error, true);
        return;
      }
      const trailers = this.#decoder.trailers;
      this.#decoder = null;
      this.#closeAfter = true;
      this.#finishResponse(trailers);
      return;
    }
    if (this.#handler !== null && !this.#responseDone) {
      this.#failUpstream(new UpstreamIoError('upstream closed the connection before responding'));
      return;
    }
    this.close();
    this.#owner.remove(this);
  }

  #onSocketError(err: Error): void {
    if (this.#handler !== null && !this.#responseDone) {
      this.#failUpstream(new UpstreamIoError(`upstream connection error: ${err.message}`, err));
    }
  }

  #onClose(): void {
    if (this.#handler !== null && !this.#responseDone) {
      this.#failUpstream(new UpstreamIoError('upstream connection closed'));
      return;
    }
    if (!this.#closed) {
      this.#closed = true;
      this.#owner.remove(this);
    }
  }

  /** A connection-level failure while an exchange is outstanding. */
  #failUpstream(error: Error): void {
    const request = this.#request;
    const handler = this.#handler;
    // A kept-alive connection the server closed just as we reused it: nothing was received and
    // nothing but the head was sent, so the request can go out again on a fresh connection.
    if (this.#reused && !this.#gotBytes && request !== null && handler !== null && request.body === null) {
      this.#handler = null;
      this.#request = null;
      this.#closed = true;
      this.socket.destroy();
      this.#owner.remove(this);
      this.#owner.retry(request, handler);
      return;
    }
    this.#fail(error, true);
  }

  #fail(error: Error, notify: boolean): void {
    const handler = this.#handler;
    this.#handler = null;
    this.#request?.body?.detach();
    this.#request = null;
    this.#decoder = null;
    if (!this.#closed) {
      this.#closed = true;
      this.socket.destroy();
    }
    this.#owner.remove(this);
    if (notify && handler !== null && !this.#responseDone) {
      this.#responseDone = true;
      handler.onError(error);
    }
  }
}
