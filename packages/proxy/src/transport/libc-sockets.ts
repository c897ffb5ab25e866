import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';

/**
 * The few libc socket calls the transport makes directly, because Node has no API for them:
 * `getsockopt(SO_ORIGINAL_DST)`, `recv(MSG_PEEK)` and `poll(POLLRDHUP)`. Each returns what libc
 * returns (`-1` on failure, then {@link LibcSockets.errno} says why).
 */
export interface LibcSockets {
  /** `getsockopt(fd, level, name, value, &length)`; `length[0]` is updated in place. */
  getsockopt(fd: number, level: number, name: number, value: Buffer, length: [number]): number;
  /** `recv(fd, buffer, length, flags)`. */
  recv(fd: number, buffer: Buffer, length: number, flags: number): number;
  /** `poll(fds, count, timeoutMs)` over `struct pollfd` records packed in `fds`. */
  poll(fds: Buffer, count: number, timeoutMs: number): number;
  /** `errno` as left by the previous call on this thread. */
  errno(): number;
}

/** Linux `recv` flags and `poll` events used by the transport. */
export const LinuxSocketFlags = {
  MSG_PEEK: 0x02,
  MSG_DONTWAIT: 0x40,
  POLLIN: 0x001,
  POLLERR: 0x008,
  POLLHUP: 0x010,
  POLLRDHUP: 0x2000,
} as const;

// One binding for the process: the functions are immutable handles into libc, so sharing them
// carries no state between users, and loading libc again per call would cost a dlopen each time.
let loaded: LibcSockets | null | undefined;

/**
 * The libc socket calls, loaded on first use through koffi; undefined when they cannot be had
 * (not Linux, koffi's prebuilt binary missing for this platform, libc not found). Callers then
 * take their portable fallback, so a missing FFI never breaks the proxy, only degrades it.
 */
export function libcSockets(): LibcSockets | undefined {
  if (loaded === undefined) loaded = process.platform === 'linux' ? load() : null;
  return loaded ?? undefined;
}

function load(): LibcSockets | null {
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const lib = openLibc(koffi);
    if (lib === null) return null;
    const getsockopt = lib.func('int getsockopt(int, int, int, void *, _Inout_ uint32_t *)');
    const recv = lib.func('long recv(int, void *, size_t, int)');
    const poll = lib.func('int poll(void *, unsigned long, int)');
    return {
      getsockopt: (fd, level, name, value, length) => getsockopt(fd, level, name, value, length) as number,
      recv: (fd, buffer, length, flags) => Number(recv(fd, buffer, length, flags)),
      poll: (fds, count, timeoutMs) => poll(fds, count, timeoutMs) as number,
      errno: () => koffi.errno(),
    };
  } catch {
    return null;
  }
}

function openLibc(koffi: typeof import('koffi')): ReturnType<typeof koffi.load> | null {
  // The running process already links libc: its symbols resolve without naming the file, which
  // keeps glibc and musl alike. Named files are a fallback for unusual builds.
  for (const name of [null, 'libc.so.6', 'libc.so']) {
    try {
      return koffi.load(name);
    } catch {
      // try the next candidate
    }
  }
  return null;
}

let errnoNames: Map<number, string> | undefined;

/** The symbolic name of a Linux errno value (`104` → `ECONNRESET`), or `E<number>` if unknown. */
export function errnoName(errno: number): string {
  if (errnoNames === undefined) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(osConstants.errno)) {
      if (!errnoNames.has(value)) errnoNames.set(value, name);
    }
  }
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** errno values (Linux) the transport branches on. */
export const Errno = {
  ENOENT: osConstants.errno.ENOENT,
  EINTR: osConstants.errno.EINTR,
  EAGAIN: osConstants.errno.EAGAIN,
  EWOULDBLOCK: osConstants.errno.EWOULDBLOCK,
  ENOPROTOOPT: osConstants.errno.ENOPROTOOPT,
} as const;
