import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

/** The shape of the internal libuv TCP handle that `net.Socket` keeps in `_handle`. */
interface NativeHandle {
  fd?: unknown;
}

/**
 * The file descriptor of a plain TCP socket, or undefined when there is none to use: the socket
 * is closed, is not backed by a libuv TCP handle, the platform has no descriptors (Windows), or
 * it is a {@link TLSSocket} — whose descriptor would yield ciphertext, never the bytes the TLS
 * layer delivers.
 *
 * Node exposes the descriptor only through the undocumented `_handle.fd`; this is the one place
 * that touches it, so a change in Node's internals breaks one function, and callers fall back to
 * their descriptor-less path.
 */
export function rawSocketFd(socket: Socket): number | undefined {
  if (socket instanceof TLSSocket || socket.destroyed) return undefined;
  const handle = (socket as unknown as { _handle?: NativeHandle | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}
