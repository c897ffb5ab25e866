/** Which side of the pod a connection arrived on. */
export type Direction = 'inbound' | 'outbound';

/** A socket address. */
export interface SocketAddr {
  /** IP address (IPv6 without brackets). */
  ip: string;
  /** Port number. */
  port: number;
}

/** The TLS state of an accepted connection, as the `tls` metric label reports it. */
export type ConnectionTls =
  | { kind: 'mtls'; clientId: string | undefined; serverName: string }
  | { kind: 'opaque'; sni: string }
  | { kind: 'none'; reason: 'loopback' | 'no_tls_from_remote' | 'port_skipped' | 'disabled' };

/**
 * What the proxy knows about an accepted connection. Built once per connection and shared by
 * every request on it.
 */
export interface ConnectionInfo {
  /** Inbound (from the network to the app) or outbound (from the app). */
  direction: Direction;
  /** The peer. */
  remote: SocketAddr;
  /** The local address the connection was accepted on. */
  local: SocketAddr;
  /**
   * Where the peer meant to connect: `SO_ORIGINAL_DST` for redirected connections, or
   * `undefined` when the connection was made to the proxy's own listener (explicit mode).
   */
  originalDst: SocketAddr | undefined;
  /** TLS state (inbound); outbound connections from the app are plaintext. */
  tls: ConnectionTls;
  /** A process-unique connection number, used in tap stream ids. */
  id: number;
}

/** An accepted socket's address; IPv4 clients of a dual-stack socket are reported as IPv4. */
export function socketAddr(ip: string | undefined, port: number | undefined): SocketAddr | undefined {
  if (ip === undefined || port === undefined) return undefined;
  if (ip.startsWith('::ffff:') && ip.includes('.')) return { ip: ip.slice(7), port };
  return { ip, port };
}
