import type { Socket } from 'node:net';
import type { Connector } from '../transport/connector.js';
import { errnoOf } from '../transport/transport-errors.js';

/** How an opaque TCP connection ended; feeds `tcp_*` metrics. */
export interface OpaqueForwardResult {
  /** Bytes read from the client (including any `consumed` bytes read during detection). */
  bytesIn: number;
  /** Bytes written to the client. */
  bytesOut: number;
  /** The client socket's system error (`ECONNRESET`…), undefined for a clean close: `tcp_close_total{errno}`. */
  errno: string | undefined;
  /** The first failure seen anywhere: connecting, the client socket or the upstream socket. */
  error: Error | undefined;
  /** Byte counts of the upstream connection, or undefined when it was never established. */
  upstream: { bytesRead: number; bytesWritten: number } | undefined;
}

/** Options of {@link forwardOpaque}. */
export interface OpaqueForwardOptions {
  /** Opens the upstream connection (plain TCP, or mTLS with a transport header for meshed peers). */
  connect: Connector;
  /** Bytes already taken off the client socket (detection without peeking); sent upstream first. */
  consumed?: Buffer;
  /** Called once, after both connections are closed. */
  onComplete?: (result: OpaqueForwardResult) => void;
}

/** A running opaque forward. */
export interface OpaqueForward {
  /** Ends the forward now: both connections are reset. */
  abort(reason?: Error): void;
}

/**
 * Proxies bytes between an accepted client socket and an upstream connection, without looking
 * at them.
 *
 * - Both directions stream with backpressure; neither side is read faster than the other drains.
 * - Half-close is kept: a FIN from one side becomes `end()` on the other once everything before
 *   it was written, and the forward ends only when both directions have ended. (Both sockets
 *   are switched to `allowHalfOpen`, otherwise Node would answer a FIN by ending its own side.)
 * - A reset or error on one side resets the other.
 * - When the upstream cannot be reached the client connection is closed.
 * - The client is read only once the upstream is connected, so a paused client stays paused
 *   until then; bytes the upstream sends first (server-speaks-first protocols) flow at once.
 */
export function forwardOpaque(client: Socket, options: OpaqueForwardOptions): OpaqueForward {
  return new OpaqueForwarder(client, options);
}

class OpaqueForwarder implements OpaqueForward {
  readonly #client: Socket;
  readonly #options: OpaqueForwardOptions;
  #upstream: Socket | undefined;
  #clientError: Error | undefined;
  #error: Error | undefined;
  #clientClosed = false;
  /** True once the upstream is closed, or known never to be (connect failed or was abandoned). */
  #upstreamClosed = false;
  #aborted = false;
  #completed = false;

  constructor(client: Socket, options: OpaqueForwardOptions) {
    this.#client = client;
    this.#options = options;
    client.allowHalfOpen = true;
    // Nothing may be read before the upstream exists to take it (a flowing socket would drop it).
    client.pause();
    client.on('error', (err: Error) => {
      this.#clientError ??= err;
      this.#fail(err);
      if (this.#upstream !== undefined) reset(this.#upstream);
    });
    client.once('close', () => {
      this.#clientClosed = true;
      const upstream = this.#upstream;
      if (upstream !== undefined && !upstream.destroyed && !endedBothWays(client)) reset(upstream);
      this.#maybeComplete();
    });
    if (client.destroyed) this.#clientClosed = true;
    let connecting: Promise<Socket>;
    try {
      connecting = options.connect();
    } catch (err) {
      connecting = Promise.reject(err);
    }
    connecting.then(
      (upstream) => this.#connected(upstream),
      (err: unknown) => this.#connectFailed(err),
    );
  }

  abort(reason?: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    if (reason !== undefined) this.#fail(reason);
    reset(this.#client);
    if (this.#upstream !== undefined) reset(this.#upstream);
  }

  #connected(upstream: Socket): void {
    const client = this.#client;
    if (this.#aborted || client.destroyed) {
      // The client is gone; a reset tells the upstream this was a failure, not a clean end.
      if (this.#aborted || this.#clientError !== undefined) reset(upstream);
      else upstream.destroy();
      this.#upstreamClosed = true;
      this.#maybeComplete();
      return;
    }
    this.#upstream = upstream;
    upstream.allowHalfOpen = true;
    upstream.on('error', (err: Error) => {
      this.#fail(err);
      reset(client);
    });
    const onUpstreamClose = () => {
      this.#upstreamClosed = true;
      if (!client.destroyed && !endedBothWays(upstream)) reset(client);
      this.#maybeComplete();
    };
    if (upstream.closed) {
      onUpstreamClose();
      return;
    }
    upstream.once('close', onUpstreamClose);
    const consumed = this.#options.consumed;
    if (consumed !== undefined && consumed.length > 0) upstream.write(consumed);
    upstream.pipe(client);
    client.pipe(upstream);
  }

  #connectFailed(err: unknown): void {
    this.#fail(err instanceof Error ? err : new Error(String(err)));
    this.#upstreamClosed = true;
    if (this.#client.destroyed) this.#maybeComplete();
    else this.#client.destroy();
  }

  #fail(err: Error): void {
    this.#error ??= err;
  }

  #maybeComplete(): void {
    if (this.#completed || !this.#clientClosed || !this.#upstreamClosed) return;
    this.#completed = true;
    const upstream = this.#upstream;
    this.#options.onComplete?.({
      bytesIn: this.#client.bytesRead,
      bytesOut: this.#client.bytesWritten,
      errno: errnoOf(this.#clientError),
      error: this.#error,
      upstream:
        upstream === undefined
          ? undefined
          : { bytesRead: upstream.bytesRead, bytesWritten: upstream.bytesWritten },
    });
  }
}

/** Whether a socket closed after a FIN each way, as opposed to being cut short. */
function endedBothWays(socket: Socket): boolean {
  return socket.readableEnded && socket.writableFinished;
}

/** Closes a socket with a TCP RST where possible, so the peer sees the failure, not a clean end. */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    // Only plain TCP handles can be reset (not TLS-wrapped ones): close instead.
    socket.destroy();
  }
}
