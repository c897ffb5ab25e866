import { SettingError } from './setting-error.ts';

/** A `host:port` to dial, or to listen on. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const HOST = /^(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/**
 * Parses `host:port` (a DNS name or an IPv4 address, or `[v6]:port`).
 * @throws {SettingError} naming `setting`.
 */
export function parseHostPort(text: string, setting: string): HostPort {
  return parse(text, setting, 1);
}

/** Like {@link parseHostPort}, and port 0 (any free port) is allowed: an address to listen on. */
export function parseListenAddr(text: string, setting: string): HostPort {
  return parse(text, setting, 0);
}

function parse(text: string, setting: string, minPort: number): HostPort {
  const expected = 'host:port, e.g. 127.0.0.1:8080 or emoji-svc.default.svc.cluster.local:8080';
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/i.exec(text);
  if (m === null) throw new SettingError(setting, text, expected);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port < minPort || port > 65535)
    throw new SettingError(setting, text, `${expected} (port ${minPort}-65535)`);
  if (m[1] === undefined && !HOST.test(host)) throw new SettingError(setting, text, expected);
  return { host, port };
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatHostPort(addr: HostPort): string {
  return addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}

/**
 * Where a client sends requests for a service: straight to the service's address, or — in a
 * mesh's explicit mode — to the sidecar's outbound listener (`via`), naming the service in the
 * authority so the proxy can route by it.
 */
export interface Upstream {
  /** The service's `host:port`, sent as `:authority` / `Host`. */
  readonly authority: string;
  /** The address the connection goes to. */
  readonly dial: HostPort;
}

/** The upstream for `service`, through `via` when given. */
export function upstream(service: HostPort, via: HostPort | undefined): Upstream {
  return { authority: formatHostPort(service), dial: via ?? service };
}
