import type { Socket } from 'node:net';
import { ClosedError } from '@skein/core';
import type { Dispatcher, HttpRequest, ResponseHandler } from '../http/types.js';
import type { Connector } from '../transport/connector.js';
import { type ClientConnectionOwner, Http1ClientConnection } from './client-connection.js';

/** Options for {@link Http1Pool}. */
export interface Http1PoolOptions {
  /** Opens a new connection to the endpoint (TCP, or TLS/transport header for meshed peers). */
  connect: Connector;
  /** Most idle connections kept (linkerd2-proxy: 10,000). */
  maxIdle?: number;
  /** Idle connections are closed after this long (linkerd2-proxy: 3 s). */
  idleTimeoutMs?: number;
  /** `Host` for requests that carry no authority: the endpoint's `ip:port`. */
  defaultHost?: string;
}

/**
 * A pool of HTTP/1.1 connections to one endpoint: reuses idle connections (most recently used
 * first, so surplus ones age out), opens new ones on demand, and closes idle ones after the
 * idle timeout. It is a {@link Dispatcher}: connect failures become the request's error.
 */
export class Http1Pool implements Dispatcher, ClientConnectionOwner {
  readonly #connect: Connector;
  readonly #maxIdle: number;
  readonly #idleTimeoutMs: number;
  /** `Host` for requests without an authority. */
  readonly defaultHost: string;
  readonly #idle: Http1ClientConnection[] = [];
  readonly #all = new Set<Http1ClientConnection>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: Http1PoolOptions) {
    this.#connect = options.connect;
    this.#maxIdle = options.maxIdle ?? 10_000;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 3_000;
    this.defaultHost = options.defaultHost ?? 'localhost';
  }

  /** Open connections (busy and idle). */
  get size(): number {
    return this.#all.size;
  }

  /** Idle connections. */
  get idleCount(): number {
    return this.#idle.length;
  }

  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    const idle = this.#idle;
    while (idle.length > 0) {
      const conn = idle.pop()!;
      if (conn.available) {
        conn.send(request, handler);
        return;
      }
    }
    this.#open(request, handler);
  }

  #open(request: HttpRequest, handler: ResponseHandler): void {
    if (this.#closed) {
      handler.onStart(NO_CONTROL);
      handler.onError(new ClosedError(`HTTP/1 pool for ${this.defaultHost} closed`));
      return;
    }
    this.#connect().then(
      (socket: Socket) => {
        if (this.#closed) {
          socket.destroy();
          handler.onStart(NO_CONTROL);
          handler.onError(new ClosedError(`HTTP/1 pool for ${this.defaultHost} closed`));
          return;
        }
        const conn = new Http1ClientConnection(socket, this);
        this.#all.add(conn);
        conn.send(request, handler);
      },
      (err: Error) => {
        handler.onStart(NO_CONTROL);
        handler.onError(err);
      },
    );
  }

  release(conn: Http1ClientConnection): void {
    if (this.#closed || this.#idle.length >= this.#maxIdle) {
      conn.close();
      this.#all.delete(conn);
      return;
    }
    this.#idle.push(conn);
    this.#armSweep();
  }

  remove(conn: Http1ClientConnection): void {
    this.#all.delete(conn);
    const i = this.#idle.indexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  retry(request: HttpRequest, handler: ResponseHandler): void {
    this.#open(request, handler);
  }

  /** Closes idle connections older than the idle timeout; returns how many were closed. */
  sweep(now = performance.now()): number {
    const cutoff = now - this.#idleTimeoutMs;
    let closed = 0;
    // Oldest idle connections sit at the bottom of the stack.
    while (this.#idle.length > 0 && this.#idle[0]!.idleSince <= cutoff) {
      const conn = this.#idle.shift()!;
      conn.close();
      this.#all.delete(conn);
      closed++;
    }
    return closed;
  }

  /**
   * Graceful close (the endpoint left the balancer): idle connections close now, busy ones
   * when their response is done; later requests fail.
   */
  drain(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const conn of this.#idle) {
      conn.close();
      this.#all.delete(conn);
    }
    this.#idle.length = 0;
  }

  /** Closes every connection; later requests fail. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const conn of this.#all) conn.close();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #armSweep(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(
      () => {
        this.sweep();
        if (this.#idle.length === 0 && this.#timer !== undefined) {
          clearInterval(this.#timer);
          this.#timer = undefined;
        }
      },
      Math.max(100, this.#idleTimeoutMs / 2),
    );
    this.#timer.unref();
  }
}

const NO_CONTROL = {
  pause(): void {},
  resume(): void {},
  abort(): void {},
};
