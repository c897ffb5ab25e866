import type { Socket } from 'node:net';
import { Errno, errnoName, type LibcSockets, LinuxSocketFlags, libcSockets } from './libc-sockets.js';
import { rawSocketFd } from './socket-fd.js';
import { PeekError, TransportArgumentError } from './transport-errors.js';

/**
 * What {@link peekFirstBytes} saw. `consumed` is undefined when the bytes were only peeked (they
 * are still in the kernel's receive queue, and the socket can go to `node:http2` or `node:tls`
 * untouched); when peeking was impossible it holds every byte read from the socket in JS, which
 * the caller must replay ahead of the socket's further data.
 */
export type PeekResult =
  | {
      kind: 'data';
      /** The first bytes, at most `maxBytes` (and at least `minBytes` unless `peerClosed`). */
      bytes: Buffer;
      /** Bytes taken off the socket (fallback mode only); a superset of `bytes`. */
      consumed: Buffer | undefined;
      /** The peer closed its side after these bytes, so no more will come. */
      peerClosed: boolean;
    }
  | { kind: 'eof' }
  | {
      kind: 'timeout';
      /** Bytes that had arrived by the deadline, fewer than `minBytes` (maybe none). */
      bytes: Buffer;
      /** Bytes taken off the socket (fallback mode only). */
      consumed: Buffer | undefined;
    }
  | { kind: 'error'; error: PeekError };

/** Options of {@link peekFirstBytes}. */
export interface PeekOptions {
  /**
   * Wait until at least this many bytes have arrived (default 1): a TLS ClientHello split over
   * several segments needs the whole record. Must not exceed `maxBytes`.
   */
  minBytes?: number;
}

/** Largest peek accepted: bigger than the 8 KiB TLS detection needs, small enough to stack-copy. */
const MAX_PEEK_BYTES = 64 * 1024;
/** Polling delays after the immediate try and one `setImmediate`, in ms; the last one repeats. */
const POLL_DELAYS_MS = [1, 2, 4, 8, 16, 20];
const PEEK_FLAGS = LinuxSocketFlags.MSG_PEEK | LinuxSocketFlags.MSG_DONTWAIT;

/**
 * Looks at the first bytes a client sent without taking them off the socket.
 *
 * Protocol detection must leave the bytes in place, because HTTP/2 and TLS sessions are built on
 * the socket's native handle and never see bytes already read into JS (`socket.unshift` does not
 * reach them). So the socket is accepted paused (`pauseOnConnect: true`) and its receive queue is
 * inspected with `recv(MSG_PEEK | MSG_DONTWAIT)`. Node offers no readiness event for a paused
 * socket, so this polls: at once, after `setImmediate`, then every 1, 2, 4, 8, 16 and 20 ms; the
 * schedule starts over whenever more bytes arrive. Clients that write right after connecting (as
 * HTTP and TLS clients do) are usually answered by the first or second try.
 *
 * Where peeking is impossible (not Linux, no FFI, a `TLSSocket`), the socket is read in JS
 * instead and the result carries `consumed`. Either way the socket is left paused: the caller
 * resumes it or hands it on.
 *
 * The socket must be paused and unread when called. Never rejects: failures are results.
 *
 * @param maxBytes - most bytes to return (1 … 65536)
 * @param timeoutMs - give up after this long with a `timeout` result
 */
export function peekFirstBytes(
  socket: Socket,
  maxBytes: number,
  timeoutMs: number,
  options?: PeekOptions,
): Promise<PeekResult> {
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_PEEK_BYTES) {
    throw new TransportArgumentError('maxBytes', maxBytes, `an integer from 1 to ${MAX_PEEK_BYTES}`);
  }
  if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) {
    throw new TransportArgumentError('timeoutMs', timeoutMs, 'a finite number of milliseconds ≥ 0');
  }
  const minBytes = options?.minBytes ?? 1;
  if (!Number.isInteger(minBytes) || minBytes < 1 || minBytes > maxBytes) {
    throw new TransportArgumentError('minBytes', minBytes, `an integer from 1 to maxBytes (${maxBytes})`);
  }
  const libc = libcSockets();
  const fd = rawSocketFd(socket);
  if (libc === undefined || fd === undefined) {
    return readFirstBytes(socket, maxBytes, minBytes, timeoutMs);
  }
  return new Promise((resolve) => {
    new KernelPeek(libc, socket, fd, maxBytes, minBytes, timeoutMs, resolve).poll();
  });
}

/** One peek in progress: retries `recv(MSG_PEEK)` on the polling schedule until a result. */
class KernelPeek {
  readonly #libc: LibcSockets;
  readonly #socket: Socket;
  readonly #fd: number;
  readonly #buffer: Buffer;
  readonly #minBytes: number;
  readonly #deadline: number;
  readonly #resolve: (result: PeekResult) => void;
  readonly #poll = () => this.poll();
  #attempt = 0;
  #seen = 0;

  constructor(
    libc: LibcSockets,
    socket: Socket,
    fd: number,
    maxBytes: number,
    minBytes: number,
    timeoutMs: number,
    resolve: (result: PeekResult) => void,
  ) {
    this.#libc = libc;
    this.#socket = socket;
    this.#fd = fd;
    // Zero-filled, not pooled: the result is a view of this buffer and must not expose other memory.
    this.#buffer = Buffer.alloc(maxBytes);
    this.#minBytes = minBytes;
    this.#deadline = performance.now() + timeoutMs;
    this.#resolve = resolve;
  }

  poll(): void {
    // The socket may have been destroyed (and its descriptor number reused) while waiting.
    if (this.#socket.destroyed || rawSocketFd(this.#socket) !== this.#fd) {
      this.#resolve({
        kind: 'error',
        error: new PeekError('socket closed while peeking at its first bytes', undefined),
      });
      return;
    }
    const n = this.#libc.recv(this.#fd, this.#buffer, this.#buffer.length, PEEK_FLAGS);
    if (n === 0) {
      this.#resolve({ kind: 'eof' });
      return;
    }
    if (n < 0) {
      const errno = this.#libc.errno();
      if (errno !== Errno.EAGAIN && errno !== Errno.EWOULDBLOCK && errno !== Errno.EINTR) {
        const name = errnoName(errno);
        this.#resolve({
          kind: 'error',
          error: new PeekError(`peeking at the first bytes failed: ${name}`, name),
        });
        return;
      }
    } else if (n >= this.#minBytes || n === this.#buffer.length) {
      this.#resolve({
        kind: 'data',
        bytes: this.#buffer.subarray(0, n),
        consumed: undefined,
        peerClosed: false,
      });
      return;
    } else {
      if (this.#peerClosed()) {
        this.#resolve({
          kind: 'data',
          bytes: this.#buffer.subarray(0, n),
          consumed: undefined,
          peerClosed: true,
        });
        return;
      }
      if (n > this.#seen) {
        // More of a split first flight arrived: the rest is probably close behind.
        this.#seen = n;
        this.#attempt = 1;
      }
    }
    this.#schedule(Math.max(n, 0));
  }

  #schedule(available: number): void {
    const remaining = this.#deadline - performance.now();
    if (remaining <= 0) {
      const bytes = Buffer.from(this.#buffer.subarray(0, available));
      this.#resolve({ kind: 'timeout', bytes, consumed: undefined });
      return;
    }
    const attempt = this.#attempt++;
    if (attempt === 0) {
      setImmediate(this.#poll);
      return;
    }
    const delay = POLL_DELAYS_MS[Math.min(attempt - 1, POLL_DELAYS_MS.length - 1)]!;
    setTimeout(this.#poll, Math.min(delay, Math.ceil(remaining)));
  }

  /** Whether the peer shut down its sending side (`POLLRDHUP`), so a partial peek is final. */
  #peerClosed(): boolean {
    const pollfd = Buffer.alloc(8);
    pollfd.writeInt32LE(this.#fd, 0);
    pollfd.writeInt16LE(LinuxSocketFlags.POLLIN | LinuxSocketFlags.POLLRDHUP, 4);
    if (this.#libc.poll(pollfd, 1, 0) !== 1) return false;
    const revents = pollfd.readInt16LE(6);
    return (
      (revents & (LinuxSocketFlags.POLLRDHUP | LinuxSocketFlags.POLLHUP | LinuxSocketFlags.POLLERR)) !== 0
    );
  }
}

/** The fallback: read in JS until enough bytes, EOF, an error or the deadline. */
function readFirstBytes(
  socket: Socket,
  maxBytes: number,
  minBytes: number,
  timeoutMs: number,
): Promise<PeekResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const consumed = () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    const finish = (result: PeekResult) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= minBytes) {
        const all = consumed();
        finish({ kind: 'data', bytes: all.subarray(0, maxBytes), consumed: all, peerClosed: false });
      }
    };
    const onEnd = () => {
      if (total === 0) {
        finish({ kind: 'eof' });
        return;
      }
      const all = consumed();
      finish({ kind: 'data', bytes: all.subarray(0, maxBytes), consumed: all, peerClosed: true });
    };
    const onError = (err: Error) => {
      const errno = (err as NodeJS.ErrnoException).code;
      finish({
        kind: 'error',
        error: new PeekError(`reading the first bytes failed: ${err.message}`, errno, { cause: err }),
      });
    };
    const onClose = () => {
      finish({
        kind: 'error',
        error: new PeekError('socket closed while reading its first bytes', undefined),
      });
    };
    const timer = setTimeout(() => {
      const all = total === 0 ? Buffer.alloc(0) : consumed();
      finish({ kind: 'timeout', bytes: all, consumed: total === 0 ? undefined : all });
    }, timeoutMs);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.resume();
  });
}
