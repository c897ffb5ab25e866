import type { Socket } from 'node:net';
import type { SocketAddr } from './connection-info.js';
import { libcSockets } from './libc-sockets.js';
import { decodeSockaddr, SOCKADDR_MAX_BYTES } from './sockaddr.js';
import { rawSocketFd } from './socket-fd.js';

/** `SOL_IP` / `SOL_IPV6` levels and the shared option number of `SO_ORIGINAL_DST` and `IP6T_SO_ORIGINAL_DST`. */
const SOL_IP = 0;
const SOL_IPV6 = 41;
const SO_ORIGINAL_DST = 80;
const V4_MAPPED_PREFIX = '::ffff:';

/**
 * Where the peer of an accepted connection meant to connect before iptables redirected it
 * (`getsockopt(SO_ORIGINAL_DST)`, or `IP6T_SO_ORIGINAL_DST` on an IPv6 socket).
 *
 * Returns undefined when the connection was not redirected: netfilter has no NAT entry for it
 * (`ENOENT`), or the entry's original destination is the socket's own local address (a direct
 * connection tracked by conntrack). Also undefined where the question cannot be asked: not
 * Linux, no FFI, a closed socket. The caller then treats the connection as explicit, addressed
 * to the proxy itself. An IPv4 client accepted on a dual-stack IPv6 socket (local address
 * `::ffff:a.b.c.d`) is tracked by netfilter as IPv4, so it is asked with `SOL_IP` and its
 * original destination comes back as a plain IPv4 address.
 *
 * Call it before the socket is handed to anything else; it costs one system call.
 */
export function originalDst(socket: Socket): SocketAddr | undefined {
  const libc = libcSockets();
  if (libc === undefined) return undefined;
  const fd = rawSocketFd(socket);
  const local = socket.localAddress;
  if (fd === undefined || local === undefined) return undefined;
  const mapped = local.startsWith(V4_MAPPED_PREFIX) && local.includes('.');
  const level = mapped || !local.includes(':') ? SOL_IP : SOL_IPV6;
  const value = Buffer.alloc(SOCKADDR_MAX_BYTES);
  const length: [number] = [SOCKADDR_MAX_BYTES];
  if (libc.getsockopt(fd, level, SO_ORIGINAL_DST, value, length) !== 0) return undefined;
  const addr = decodeSockaddr(value.subarray(0, Math.min(length[0], SOCKADDR_MAX_BYTES)));
  if (addr === undefined) return undefined;
  const localIp = mapped ? local.slice(V4_MAPPED_PREFIX.length) : stripZone(local);
  if (addr.port === socket.localPort && addr.ip === localIp) return undefined;
  return addr;
}

function stripZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent < 0 ? ip : ip.slice(0, percent);
}
