import { ConfigError, parseSocketAddr } from '@skein/core';

/** A host and port to listen on. */
export interface ListenAddress {
  /** IP address (`0.0.0.0` for all IPv4 interfaces). */
  readonly host: string;
  /** Port (0 picks a free one). */
  readonly port: number;
}

/**
 * Parses a listen address in the form Linkerd's control-plane flags use: `:8443` (all
 * interfaces), `0.0.0.0:9995`, `127.0.0.1:0` or `[::]:8443`.
 *
 * @throws {ConfigError} naming `flag`, the value and the expected form.
 */
export function parseListenAddress(text: string, flag: string): ListenAddress {
  const withHost = text.startsWith(':') ? `0.0.0.0${text}` : text;
  try {
    const addr = parseSocketAddr(withHost, flag);
    return { host: addr.host, port: addr.port };
  } catch (cause) {
    throw new ConfigError(flag, text, 'an address such as :8443, 0.0.0.0:8443 or [::]:8443', { cause });
  }
}
