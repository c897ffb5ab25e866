import type { ClientSessionOptions } from 'node:http2';
import type { Socket } from 'node:net';
import { ClosedError, ConfigError, LoadShedError } from '@skein/core';
import { UpstreamIoError } from '../errors/proxy-errors.js';
import type { Dispatcher, HttpRequest, ResponseHandler } from '../http/types.js';
import type { Connector } from '../transport/connector.js';
import { type ClientExchangeOwner, Http2ClientExchange } from './client-exchange.js';
import { type ClientSessionOwner, Http2ClientSession } from './client-session.js';
import { clientSessionOptions, DEFAULT_HTTP2_CLIENT_SETTINGS, type Http2ClientSettings } from './limits.js';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './reconnect-backoff.js';
import { Http2UnsupportedRequestError } from './stream-errors.js';

/** Options of {@link Http2Pool}. */
export interface Http2PoolOptions {
  /** Opens a connection to the endpoint (TCP, or TLS and transport header for meshed peers). */
  connect: Connector;
  /** `host:port` of the endpoint: the default `:authority` and the name in error messages. */
  authority?: string;
  /** Client settings, resolved with `resolveHttp2ClientSettings` (defaults when absent). */
  settings?: Http2ClientSettings;
  /** Reconnect backoff after a failed connect (100 ms – 60 s, jitter 0.1). */
  backoff?: BackoffOptions;
  /** Requests that may wait for a session or a free stream (10,000; more are shed with 503). */
  maxPending?: number;
  /** Called when {@link Http2Pool.isReady} may have changed (e.g. a balancer's `readyChanged`). */
  onReadyChange?: () => void;
  /** Source of randomness for the backoff jitter (tests pin it). */
  random?: () => number;
}

/**
 * The HTTP/2 client of one endpoint, as a {@link Dispatcher}: one multiplexed session, opened
 * lazily and re-opened after GOAWAY or close (streams in flight on a GOAWAYed session finish
 * there; new ones go to the new session). Requests beyond the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS wait in a FIFO; a stream the peer refused before processing
 * it (REFUSED_STREAM, or above a GOAWAY's last stream id) is sent again once. After a failed
 * connect the pool is not ready for a backoff delay and fails requests fast.
 *
 * @example
 * ```ts
 * const pool = new Http2Pool({ connect: tcpConnector({ host: '10.0.0.7', port: 8080, timeoutMs: 1000 }) });
 * pool.dispatch(request, handler);
 * ```
 */
export class Http2Pool implements Dispatcher, ClientExchangeOwner, ClientSessionOwner {
  readonly label: string;
  readonly #connect: Connector;
  readonly #url: URL;
  readonly #settings: Http2ClientSettings;
  readonly #sessionOptions: ClientSessionOptions;
  readonly #backoff: BackoffOptions;
  readonly #maxPending: number;
  readonly #onReadyChange: (() => void) | undefined;
  readonly #random: () => number;
  readonly #sessions = new Set<Http2ClientSession>();
  #current: Http2ClientSession | null = null;
  #connecting = false;
  #pending: Http2ClientExchange[] = [];
  #pendingHead = 0;
  #failures = 0;
  #backoffUntil = 0;
  #lastError: Error | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #ready = true;
  #closed = false;

  constructor(options: Http2PoolOptions) {
    this.#connect = options.connect;
    this.label = options.authority ?? 'upstream';
    try {
      this.#url = new URL(`http://${options.authority ?? 'localhost'}`);
    } catch {
      throw new ConfigError('authority', options.authority ?? '', 'host:port of the endpoint');
    }
    this.#settings = options.settings ?? DEFAULT_HTTP2_CLIENT_SETTINGS;
    this.#sessionOptions = clientSessionOptions(this.#settings);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#onReadyChange = options.onReadyChange;
    this.#random = options.random ?? Math.random;
  }

  /** Whether the pool can take requests now: false while it backs off after a failed connect. */
  isReady(): boolean {
    return !this.#closed && (this.#current !== null || performance.now() >= this.#backoffUntil);
  }

  /** Open sessions, including ones draining after GOAWAY. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Requests waiting for a session or a free stream. */
  get pending(): number {
    return this.#pending.length - this.#pendingHead;
  }

  /** Streams open on all sessions. */
  get activeStreams(): number {
    let n = 0;
    for (const s of this.#sessions) n += s.active;
    return n;
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const exchange = new Http2ClientExchange(this, request, handler);
    if (request.upgrade !== undefined) {
      exchange.fail(
        new Http2UnsupportedRequestError(`HTTP/1.1 upgrade to ${request.upgrade} cannot be sent over HTTP/2`),
      );
      return;
    }
    this.#submit(exchange);
  }

  /**
   * Graceful close (the endpoint left the balancer): streams in flight finish on their
   * sessions, which then close; waiting and later requests fail at once.
   */
  drain(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#failPending(new ClosedError(`HTTP/2 pool for ${this.label} closed`));
    for (const s of this.#sessions) if (!s.session.closed) s.session.close();
    this.#current = null;
    this.#readyChanged();
  }

  /** Closes every session and fails waiting requests; later requests fail at once. */
  close(): void {
    for (const s of this.#sessions) s.destroy();
    if (this.#closed) return;
    this.#closed = true;
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#failPending(new ClosedError(`HTTP/2 pool for ${this.label} closed`));
    this.#current = null;
    this.#readyChanged();
  }

  #submit(exchange: Http2ClientExchange): void {
    if (this.#closed) {
      exchange.fail(new ClosedError(`HTTP/2 pool for ${this.label} closed`));
      return;
    }
    const s = this.#current;
    if (s?.usable) {
      if (s.hasCapacity && this.pending === 0) {
        this.#start(s, exchange);
        return;
      }
    } else if (!this.#connecting) {
      if (performance.now() < this.#backoffUntil) {
        exchange.fail(this.#lastError ?? new UpstreamIoError(`connect to ${this.label} is backing off`));
        return;
      }
      this.#openSession();
    }
    if (this.pending >= this.#maxPending) {
      exchange.fail(
        new LoadShedError(`${this.pending} requests already wait for an HTTP/2 stream to ${this.label}`),
      );
      return;
    }
    this.#pending.push(exchange);
  }

  #start(s: Http2ClientSession, exchange: Http2ClientExchange): void {
    s.active++;
    exchange.start(s.session);
    if (exchange.session === null) s.active--;
  }

  #openSession(): void {
    this.#connecting = true;
    this.#connect().then(
      (socket) => this.#connected(socket),
      (err: Error) => this.#connectFailed(err),
    );
  }

  #connected(socket: Socket): void {
    this.#connecting = false;
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const s = new Http2ClientSession(this, socket, this.#url, this.#sessionOptions, this.#settings);
    this.#sessions.add(s);
    this.#current = s;
    this.#readyChanged();
    this.#fill(s);
  }

  #connectFailed(err: Error): void {
    this.#connecting = false;
    if (this.#closed) return;
    this.#failures++;
    this.#lastError = err;
    const delay = backoffDelay(this.#backoff, this.#failures, this.#random);
    this.#backoffUntil = performance.now() + delay;
    this.#failPending(err);
    this.#readyChanged();
    this.#armBackoffTimer(delay);
  }

  /**
   * Wakes when the backoff ends to report readiness. Timers run on the event loop's cached
   * clock, which lags `performance.now()` after a long loop turn, so a timer can fire just
   * before `#backoffUntil`: it then waits for the rest instead of never reporting ready.
   */
  #armBackoffTimer(delay: number): void {
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      const left = this.#backoffUntil - performance.now();
      if (left > 0 && !this.#closed) this.#armBackoffTimer(Math.ceil(left));
      else this.#readyChanged();
    }, delay);
    this.#backoffTimer.unref();
  }

  /** Starts waiting requests on `s` while it has room. */
  #fill(s: Http2ClientSession): void {
    const queue = this.#pending;
    while (this.#pendingHead < queue.length && s.usable && s.hasCapacity) {
      const exchange = queue[this.#pendingHead]!;
      queue[this.#pendingHead++] = undefined as unknown as Http2ClientExchange;
      if (!exchange.done) this.#start(s, exchange);
    }
    this.#compact();
  }

  #compact(): void {
    const head = this.#pendingHead;
    if (head === this.#pending.length) {
      this.#pending.length = 0;
      this.#pendingHead = 0;
    } else if (head > 1024 && head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(head);
      this.#pendingHead = 0;
    }
  }

  #failPending(err: Error): void {
    const queue = this.#pending;
    this.#pending = [];
    const head = this.#pendingHead;
    this.#pendingHead = 0;
    for (let i = head; i < queue.length; i++) queue[i]!.fail(err);
  }

  #readyChanged(): void {
    const ready = this.isReady();
    if (ready === this.#ready) return;
    this.#ready = ready;
    this.#onReadyChange?.();
  }

  // ClientExchangeOwner

  streamClosed(exchange: Http2ClientExchange): void {
    const node = exchange.session;
    if (node === null) return;
    const s = Http2ClientSession.of(node);
    if (s === undefined) return;
    s.active--;
    if (s === this.#current && this.pending > 0) this.#fill(s);
  }

  resubmit(exchange: Http2ClientExchange): void {
    this.#submit(exchange);
  }

  cancelled(_exchange: Http2ClientExchange): void {
    // Skipped when its turn comes; nothing was sent.
  }

  // ClientSessionOwner

  sessionSettings(s: Http2ClientSession): void {
    this.#failures = 0;
    if (s === this.#current && this.pending > 0) this.#fill(s);
  }

  sessionGoaway(s: Http2ClientSession): void {
    if (s !== this.#current) return;
    this.#current = null;
    if (this.pending > 0 && !this.#connecting && !this.#closed) this.#openSession();
  }

  sessionClosed(s: Http2ClientSession): void {
    this.#sessions.delete(s);
    if (s === this.#current) this.#current = null;
    if (this.#closed || this.#connecting) return;
    if (!s.established) {
      // The peer never completed the HTTP/2 handshake: treat it as a failed connect.
      this.#connectFailed(new UpstreamIoError(`${this.label} closed the connection before speaking HTTP/2`));
      return;
    }
    if (this.pending > 0) this.#openSession();
  }
}
