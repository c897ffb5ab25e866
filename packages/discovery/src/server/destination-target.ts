import { tryParseIp } from '@skein/core';
import { DestinationError, DestinationStatus } from '../discovery-error.js';
import { normalizeAuthority } from '../static/static-file.js';

/** A `GetDestination.path` split into its parts. */
export interface DestinationTarget {
  /** Normalized `host:port` (lowercase, no trailing dot, IPv6 in brackets, default port 80). */
  readonly authority: string;
  /** The host without brackets. */
  readonly host: string;
  /** The port. */
  readonly port: number;
  /** True when the host is an IP literal. */
  readonly isIp: boolean;
}

/** A Kubernetes service DNS name: `<svc>.<ns>.svc.<domain>` or `<hostname>.<svc>.<ns>.svc.<domain>`. */
export interface ServiceName {
  /** The service's namespace. */
  readonly namespace: string;
  /** The service's name. */
  readonly name: string;
  /** The pod hostname of a `<hostname>.<svc>…` name (StatefulSet pods), if any. */
  readonly hostname?: string;
  /** `<svc>.<ns>.svc.<domain>`, without the hostname and without a port. */
  readonly fqdn: string;
}

/**
 * Parses the `path` of a `GetDestination` (`host:port`, `ip:port`, `[v6]:port`; port 80 when
 * missing).
 *
 * @throws {DestinationError} `InvalidArgument` naming the path when it is not an authority.
 */
export function parseDestinationPath(path: string): DestinationTarget {
  const authority = typeof path === 'string' ? normalizeAuthority(path) : undefined;
  if (authority === undefined) {
    throw new DestinationError(
      DestinationStatus.InvalidArgument,
      `invalid authority ${JSON.stringify(path)}: expected host:port, ip:port or [ipv6]:port`,
    );
  }
  const colon = authority.lastIndexOf(':');
  let host = authority.slice(0, colon);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { authority, host, port: Number(authority.slice(colon + 1)), isIp: tryParseIp(host) !== undefined };
}

/**
 * Reads a Kubernetes service name under `clusterDomain`; `undefined` when `host` is not one.
 * `host` must already be normalized (lowercase, no trailing dot).
 */
export function parseServiceName(host: string, clusterDomain: string): ServiceName | undefined {
  const suffix = `.svc.${clusterDomain}`;
  if (!host.endsWith(suffix)) return undefined;
  const labels = host.slice(0, -suffix.length).split('.');
  if (labels.length === 2) {
    const [name, namespace] = labels as [string, string];
    return { namespace, name, fqdn: `${name}.${namespace}${suffix}` };
  }
  if (labels.length === 3) {
    const [hostname, name, namespace] = labels as [string, string, string];
    return { namespace, name, hostname, fqdn: `${name}.${namespace}${suffix}` };
  }
  return undefined;
}
