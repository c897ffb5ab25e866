import {
  constants,
  performServerHandshake,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { Dispatcher } from '../http/types.js';
import type { ConnectionInfo } from '../transport/connection-info.js';
import { startKeepAlive } from './keep-alive.js';
import { DEFAULT_HTTP2_SERVER_LIMITS, type Http2ServerLimits, serverSessionOptions } from './limits.js';
import { RAW_RESPONSE_HEADERS } from './node-features.js';
import { RapidResetGuard } from './rapid-reset.js';
import { requestFromHttp2 } from './request-conversion.js';
import { Http2ServerExchange, type ServerExchangeOwner } from './server-exchange.js';
import { H2, Http2MalformedRequestError } from './stream-errors.js';

/** Why the proxy closed an HTTP/2 connection on its own initiative. */
export type Http2CloseReason = 'rapid-reset' | 'idle' | 'drain';

/** Options of {@link serveHttp2}. */
export interface Http2ServerOptions {
  /** Where requests go. */
  dispatcher: Dispatcher;
  /** What is known about the connection (shared by its requests). */
  info: ConnectionInfo;
  /** Limits, resolved with `resolveHttp2ServerLimits` (defaults when absent). */
  limits?: Http2ServerLimits;
  /** Whether synthesized errors carry `l5d-proxy-error` (default true). */
  informationalHeaders?: boolean;
  /** Called for each error answered with a synthesized response (the errors metric). */
  onSynthesized?: (error: Error) => void;
  /**
   * Bytes protocol detection already *read* from the socket (not just peeked), replayed in
   * front of the rest. `null`/absent when detection peeked.
   */
  initial?: Buffer | null;
  /** Called once when the connection is gone. */
  onClose?: () => void;
  /** Called when the proxy closes the connection because of the client (for logs and metrics). */
  onAbuse?: (reason: Http2CloseReason, detail: string) => void;
}

const END_STREAM = constants.NGHTTP2_FLAG_END_STREAM;
const RESPOND_END = { endStream: true, sendDate: false };
const kConnection = Symbol('skein.http2.serverConnection');
type OwnedSession = ServerHttp2Session & { [kConnection]?: Http2ServerConnection };

function onSessionStream(
  this: OwnedSession,
  stream: ServerHttp2Stream,
  _headers: unknown,
  flags: number,
  raw: string[],
): void {
  this[kConnection]?.stream(stream, flags, raw);
}
function onSessionClose(this: OwnedSession): void {
  this[kConnection]?.closed();
}
function resumeSocket(socket: Socket): void {
  if (!socket.destroyed) socket.resume();
}
function onSessionError(): void {
  // 'close' follows; one client's protocol errors are not the proxy's concern.
}

/**
 * Serves HTTP/2 on an accepted connection: the socket (plain or TLS) is handed to nghttp2 as is,
 * each stream becomes an {@link HttpRequest} for `options.dispatcher`, and the limits of
 * {@link Http2ServerLimits} are applied (SETTINGS, header list size, rapid-reset detection,
 * idle and keep-alive timeouts). Works with sockets accepted with `pauseOnConnect: true`.
 *
 * @example
 * ```ts
 * net.createServer({ pauseOnConnect: true }, (socket) =>
 *   serveHttp2(socket, { dispatcher: pool, info: connectionInfo(socket) }),
 * ).listen(4140);
 * ```
 */
export function serveHttp2(socket: Socket, options: Http2ServerOptions): Http2ServerConnection {
  return new Http2ServerConnection(socket, options);
}

/** One client connection speaking HTTP/2 to the proxy. Create it with {@link serveHttp2}. */
export class Http2ServerConnection implements ServerExchangeOwner {
  /** The nghttp2 session (exposed for diagnostics and tests). */
  readonly session: ServerHttp2Session;
  readonly informationalHeaders: boolean;
  readonly onSynthesized: ((error: Error) => void) | undefined;
  readonly #opts: Http2ServerOptions;
  readonly #limits: Http2ServerLimits;
  readonly #guard: RapidResetGuard;
  #streams = 0;
  #active = 0;
  #closed = false;
  #closeReason: Http2CloseReason | undefined;

  constructor(socket: Socket, options: Http2ServerOptions) {
    this.#opts = options;
    const limits = options.limits ?? DEFAULT_HTTP2_SERVER_LIMITS;
    this.#limits = limits;
    this.informationalHeaders = options.informationalHeaders ?? true;
    this.onSynthesized = options.onSynthesized;
    this.#guard = new RapidResetGuard(limits.maxPrematureResets);
    const initial = options.initial;
    if (initial !== undefined && initial !== null && initial.length > 0) socket.unshift(initial);
    const session = performServerHandshake(socket, serverSessionOptions(limits)) as OwnedSession;
    this.session = session;
    session[kConnection] = this;
    session.on('stream', onSessionStream);
    session.on('error', onSessionError);
    session.on('close', onSessionClose);
    // A client FIN ends the connection (node:http2 would not notice on an `allowHalfOpen`
    // socket): finish the streams in flight, then close.
    socket.once('end', () => this.#peerEnded());
    if (limits.initialConnectionWindowSize > 65_535) {
      session.setLocalWindowSize(limits.initialConnectionWindowSize);
    }
    if (limits.idleTimeoutMs > 0) session.setTimeout(limits.idleTimeoutMs, () => this.#idle());
    startKeepAlive(session, limits.keepAliveIntervalMs, limits.keepAliveTimeoutMs);
    // A socket accepted with pauseOnConnect (or paused by detection) must start reading: its
    // bytes now flow to nghttp2 directly, never through JavaScript 'data' events. Resume only
    // after nghttp2 took the replayed bytes (on the next tick), or a flowing socket would emit
    // them to nobody.
    if (socket.isPaused()) process.nextTick(resumeSocket, socket);
  }

  /** Streams opened by the client so far. */
  get streams(): number {
    return this.#streams;
  }

  /** Streams whose exchange is still under way. */
  get activeStreams(): number {
    return this.#active;
  }

  /** Client resets counted as premature by the rapid-reset detector. */
  get prematureResets(): number {
    return this.#guard.prematureResets;
  }

  /** Why the proxy closed the connection, if it did. */
  get closeReason(): Http2CloseReason | undefined {
    return this.#closeReason;
  }

  /**
   * Graceful shutdown: sends GOAWAY(NO_ERROR) so the client opens no new streams, lets the
   * streams in flight finish, then closes.
   */
  drain(): void {
    if (this.#closed || this.session.closed) return;
    this.#closeReason ??= 'drain';
    this.session.close();
  }

  /** Closes the connection now; streams in flight are reset and their upstream work cancelled. */
  close(): void {
    if (!this.session.destroyed) this.session.destroy();
  }

  /** @internal A new stream from the client. */
  stream(stream: ServerHttp2Stream, flags: number, raw: string[]): void {
    this.#streams++;
    const guard = this.#guard;
    guard.opened();
    if (stream.destroyed || stream.closed) {
      // Reset before we even saw it: the cheapest rapid-reset case, still counted.
      if (guard.prematureReset()) this.#calm();
      return;
    }
    const receivedAt = performance.now();
    let request: ReturnType<typeof requestFromHttp2>;
    try {
      request = requestFromHttp2(raw, this.#opts.info, this.#limits.maxHeaderListSize, receivedAt);
    } catch (err) {
      this.#reject(stream, err as Error, (flags & END_STREAM) !== 0);
      return;
    }
    request.stream = stream.id ?? this.#streams;
    const exchange = new Http2ServerExchange(this, stream, request, (flags & END_STREAM) !== 0);
    this.#active++;
    try {
      this.#opts.dispatcher.dispatch(request, exchange);
    } catch (err) {
      exchange.onError(err as Error);
    }
  }

  /** @internal */
  exchangeClosed(exchange: Http2ServerExchange, clientReset: boolean): void {
    this.#active--;
    if (!clientReset || this.#closed) return;
    if (performance.now() - exchange.request.receivedAt >= this.#limits.prematureResetMs) return;
    if (this.#guard.prematureReset()) this.#calm();
  }

  /** @internal */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#opts.onClose?.();
  }

  #reject(stream: ServerHttp2Stream, err: Error, ended: boolean): void {
    stream.on('error', onSessionError);
    if (!(err instanceof Http2MalformedRequestError) || err.rstCode !== H2.NO_ERROR) {
      stream.close(err instanceof Http2MalformedRequestError ? err.rstCode : H2.INTERNAL_ERROR);
      return;
    }
    const headers = [':status', String(err.status), 'content-length', '0'];
    stream.respond(
      RAW_RESPONSE_HEADERS ? headers : { ':status': err.status, 'content-length': '0' },
      RESPOND_END,
    );
    // Nobody will read the body of a rejected request: tell the client to stop sending it.
    if (!ended) stream.close(H2.NO_ERROR);
  }

  /** Rapid reset: GOAWAY(ENHANCE_YOUR_CALM) and close; in-flight upstream work is cancelled. */
  #calm(): void {
    if (this.session.destroyed) return;
    this.#closeReason = 'rapid-reset';
    this.#opts.onAbuse?.(
      'rapid-reset',
      `${this.#guard.prematureResets} of ${this.#streams} streams reset by the client right after opening`,
    );
    // With both an error and a code, node:http2 sends GOAWAY with that code before closing.
    this.session.destroy(new Error('rapid reset detected'), H2.ENHANCE_YOUR_CALM);
  }

  #peerEnded(): void {
    const session = this.session;
    if (session.destroyed) return;
    if (this.#active === 0) session.destroy();
    else if (!session.closed) session.close();
  }

  #idle(): void {
    if (this.#active > 0 || this.session.closed) return;
    this.#closeReason = 'idle';
    this.session.close();
  }
}
