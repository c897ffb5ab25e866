import { isIP } from 'node:net';

/** Who is calling the tap server. */
export interface TapPeer {
  /** The caller's IP address. */
  readonly address: string;
  /** The caller's port. */
  readonly port: number;
  /** The DNS name in the caller's mTLS client certificate, when it presented one. */
  readonly clientIdentity?: string;
}

/** Decides whether a peer may tap; returns true to allow. */
export type TapAuthorizer = (peer: TapPeer) => boolean;

/** Whether `ip` is a loopback address (127.0.0.0/8, ::1, or an IPv4-mapped loopback). */
export function isLoopback(ip: string): boolean {
  const v = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v) === 4) return v.startsWith('127.');
  return v === '::1';
}

/**
 * Linkerd's rule for the proxy's tap server (spec §1.5): a caller connected over loopback, or
 * one whose mTLS client identity equals the tap service name
 * (`LINKERD2_PROXY_TAP_SVC_NAME`). Without a service name only loopback callers are allowed.
 */
export function tapServiceAuthorizer(tapServiceName: string | undefined): TapAuthorizer {
  return (peer) =>
    isLoopback(peer.address) ||
    (tapServiceName !== undefined && tapServiceName !== '' && peer.clientIdentity === tapServiceName);
}

/**
 * Parses grpc-js's `call.getPeer()` (`ipv4:1.2.3.4:5`, `ipv6:[::1]:5`, `1.2.3.4:5`, `[::1]:5`).
 * Returns undefined when it is not an IP peer (e.g. a Unix socket).
 */
export function parseGrpcPeer(peer: string): { address: string; port: number } | undefined {
  let text = peer;
  if (text.startsWith('ipv4:') || text.startsWith('ipv6:')) text = text.slice(5);
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host = text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (isIP(host) === 0 || !Number.isInteger(port)) return undefined;
  return { address: host, port };
}

/**
 * The identity in a peer certificate: its first DNS subject alternative name (Linkerd
 * identities are DNS names), read from Node's `subjectaltname` text (`DNS:a, DNS:b`).
 */
export function identityFromSubjectAltName(subjectaltname: string | undefined): string | undefined {
  if (subjectaltname === undefined) return undefined;
  for (const part of subjectaltname.split(',')) {
    const entry = part.trim();
    if (entry.startsWith('DNS:')) return entry.slice(4);
  }
  return undefined;
}
