import { ErrorCode, SkeinError } from '@skein/core';

/** A value given to a transport API was out of range (a programming error in the caller). */
export class TransportArgumentError extends SkeinError {
  /** The parameter that was wrong. */
  readonly parameter: string;

  constructor(parameter: string, value: unknown, expected: string) {
    super(ErrorCode.InvalidArgument, `invalid ${parameter}=${String(value)}: expected ${expected}`);
    this.parameter = parameter;
  }
}

/** Binding a listener failed (address in use, not available, no permission…). */
export class ListenError extends SkeinError {
  /** The address that could not be bound, as `ip:port` (`[ip]:port` for IPv6). */
  readonly address: string;
  /** The system error code, e.g. `EADDRINUSE`, when there was one. */
  readonly errno: string | undefined;

  constructor(address: string, cause: unknown) {
    const errno = errnoOf(cause);
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('ERR_SKEIN_LISTEN', `cannot listen on ${address}: ${reason}`, { cause });
    this.address = address;
    this.errno = errno;
  }
}

/** Peeking at the first bytes of a connection failed (the socket was reset or closed). */
export class PeekError extends SkeinError {
  /** The system error code (e.g. `ECONNRESET`), or undefined when the socket was closed locally. */
  readonly errno: string | undefined;

  constructor(message: string, errno: string | undefined, options?: { cause?: unknown }) {
    super('ERR_SKEIN_PEEK', message, options);
    this.errno = errno;
  }
}

/**
 * The system error name carried by `err` (Node's `code` such as `ECONNRESET`), or undefined
 * for errors that are not system errors. Used for the `errno` label of `tcp_close_total`.
 */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined || cause === err ? undefined : errnoOf(cause);
}

/** Formats an address for messages: `1.2.3.4:80` or `[::1]:80`. */
export function formatAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
