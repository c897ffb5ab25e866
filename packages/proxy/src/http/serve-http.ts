import type { Socket } from 'node:net';
import type { Logger } from '@skein/core';
import { Http1ServerConnection } from '../http1/server-connection.js';
import { type Http2ServerLimits, resolveHttp2ServerLimits } from '../http2/limits.js';
import { serveHttp2 } from '../http2/server-connection.js';
import type { AcceptedConnection } from '../transport/listener.js';
import type { HttpServerSettings } from './http-server-options.js';
import type { Dispatcher } from './types.js';

/** Keeps the live HTTP/1 connections so their timeouts can be checked without per-request timers. */
export class Http1ConnectionSet {
  readonly #live = new Set<Http1ServerConnection>();
  readonly #timer: NodeJS.Timeout;

  constructor(settings: HttpServerSettings) {
    this.#timer = setInterval(() => {
      const now = performance.now();
      for (const c of this.#live) {
        c.checkTimeouts(now, settings.headersTimeoutMs, settings.idleTimeoutMs, settings.requestTimeoutMs);
      }
    }, 1_000);
    this.#timer.unref();
  }

  /** Live connections. */
  get size(): number {
    return this.#live.size;
  }

  add(conn: Http1ServerConnection): void {
    this.#live.add(conn);
  }

  delete(conn: Http1ServerConnection): void {
    this.#live.delete(conn);
  }

  /** Stops the timeout sweeper. */
  close(): void {
    clearInterval(this.#timer);
  }
}

/** What {@link serveHttp} needs. */
export interface ServeHttpOptions {
  /** Where requests go. */
  dispatcher: Dispatcher;
  /** Server limits. */
  settings: HttpServerSettings;
  /** Live HTTP/1 connections (for timeouts). */
  http1Connections: Http1ConnectionSet;
  /** Whether synthesized errors carry `l5d-proxy-error`. */
  informationalHeaders: boolean;
  /** Called for each error answered with a synthesized response (the errors metric). */
  onSynthesized?: (error: Error) => void;
  /** Scheme of origin-form requests (`https` behind TLS termination). */
  scheme?: string;
  /** Logger for abuse reports. */
  logger: Logger;
  /** HTTP/2 limits, resolved once (see `resolveHttp2ServerLimits`); defaults when absent. */
  http2Limits?: Http2ServerLimits;
}

/**
 * Serves HTTP on an accepted, detected connection: HTTP/2 on the socket's native handle (with
 * `consumed` bytes replayed when detection had to read them), or HTTP/1 through the proxy's own
 * server connection. Registers a drain hook so graceful shutdown finishes in-flight requests.
 */
export function serveHttp(
  protocol: 'http1' | 'h2',
  socket: Socket,
  accepted: AcceptedConnection,
  consumed: Buffer | undefined,
  options: ServeHttpOptions,
): void {
  if (protocol === 'h2') {
    const conn = serveHttp2(socket, {
      dispatcher: options.dispatcher,
      info: accepted.info,
      limits: options.http2Limits ?? resolveHttp2ServerLimits(options.settings.http2),
      informationalHeaders: options.informationalHeaders,
      ...(options.onSynthesized === undefined ? {} : { onSynthesized: options.onSynthesized }),
      initial: consumed ?? null,
      onAbuse: (reason, detail) =>
        options.logger.warn(
          { reason, detail, peer: accepted.info.remote },
          'closed an abusive HTTP/2 connection',
        ),
    });
    accepted.onDrain(() => conn.drain());
    return;
  }
  const set = options.http1Connections;
  const conn = new Http1ServerConnection(socket, consumed ?? null, {
    dispatcher: options.dispatcher,
    info: accepted.info,
    maxHeaderBytes: options.settings.maxHeaderBytes,
    maxHeaders: options.settings.maxHeaders,
    maxTargetBytes: options.settings.maxTargetBytes,
    informationalHeaders: options.informationalHeaders,
    ...(options.onSynthesized === undefined ? {} : { onSynthesized: options.onSynthesized }),
    ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
    onClose: () => set.delete(conn),
  });
  set.add(conn);
  accepted.onDrain(() => conn.drain());
  socket.resume();
}
