import { ConfigError } from '../errors/index.js';
import { dnsNameProblem } from './dns-name.js';
import { formatIp, tryParseIp } from './ip-address.js';

/** A host and port. `host` has no brackets, so it can go straight to `net.connect`/`listen`. */
export interface HostPort {
  /** An IP address in canonical form, or a DNS name as written (a trailing dot is kept). */
  readonly host: string;
  /** The port, 0–65535 (0 asks the OS for an ephemeral port when listening). */
  readonly port: number;
  /** `ipv4`/`ipv6` for IP addresses, `dns` for names. */
  readonly family: 'ipv4' | 'ipv6' | 'dns';
}

const EXPECTED_SOCKET = 'IP:PORT, e.g. 127.0.0.1:4140, 0.0.0.0:4143 or [::1]:4140';
const EXPECTED_ADDR =
  'HOST:PORT where HOST is an IP or a DNS name, e.g. 127.0.0.1:4140 or dst.linkerd.svc:8086';

/**
 * Parses `host:port` where the host is an IP address or a DNS name (`127.0.0.1:4140`,
 * `[::1]:4140`, `linkerd-dst-headless.linkerd.svc.cluster.local.:8086`), as linkerd2-proxy's
 * `Addr` does for `*_SVC_ADDR`. IPv6 must be bracketed. `:4191` (no host) is refused, as in
 * linkerd2-proxy: write `0.0.0.0:4191` or `[::]:4191`. No whitespace is allowed.
 *
 * @throws {ConfigError} naming `variable`, the value and the expected form.
 */
export function parseAddr(text: string, variable = 'address'): HostPort {
  return parseHostPort(text, variable, true);
}

/**
 * Parses `ip:port` (a socket address, as for `*_LISTEN_ADDR`): like {@link parseAddr} but the
 * host must be an IP address.
 *
 * @throws {ConfigError} naming `variable`, the value and the expected form.
 */
export function parseSocketAddr(text: string, variable = 'address'): HostPort {
  return parseHostPort(text, variable, false);
}

/**
 * Parses one or two comma-separated socket addresses (dual-stack listeners, as
 * `LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS`).
 *
 * @throws {ConfigError} when an entry is invalid or there are more than two.
 */
export function parseSocketAddrList(text: string, variable = 'addresses'): HostPort[] {
  const parts = text.split(',');
  if (parts.length > 2) {
    throw new ConfigError(variable, text, `one or two comma-separated ${EXPECTED_SOCKET}`);
  }
  return parts.map((p) => parseSocketAddr(p, variable));
}

/** Formats an address as `host:port`, bracketing IPv6 hosts: the inverse of {@link parseAddr}. */
export function formatAddr(addr: HostPort): string {
  return addr.family === 'ipv6' ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
}

/** True when the address is a loopback IP (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104) or the name `localhost`. */
export function isLoopback(addr: HostPort): boolean {
  if (addr.family === 'dns') return /^localhost\.?$/i.test(addr.host);
  if (addr.family === 'ipv4') return addr.host.startsWith('127.');
  return addr.host === '::1' || addr.host.startsWith('::ffff:127.');
}

function parseHostPort(text: string, variable: string, allowNames: boolean): HostPort {
  const expected = allowNames ? EXPECTED_ADDR : EXPECTED_SOCKET;
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new ConfigError(variable, text, `${expected}; the port is missing`);
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new ConfigError(variable, text, `${expected}; the port must be 0–65535`);
  }
  const port = Number(portText);
  const hostText = text.slice(0, colon);
  if (hostText === '') {
    throw new ConfigError(
      variable,
      text,
      `${expected}; the host is missing (use 0.0.0.0:${port} or [::]:${port})`,
    );
  }
  if (hostText.startsWith('[')) {
    const ip = hostText.endsWith(']') ? tryParseIp(hostText.slice(1, -1)) : undefined;
    if (ip === undefined || ip.family !== 6) {
      throw new ConfigError(variable, text, `${expected}; ${hostText} is not a bracketed IPv6 address`);
    }
    return { host: formatIp(ip), port, family: 'ipv6' };
  }
  if (hostText.includes(':')) {
    throw new ConfigError(
      variable,
      text,
      `${expected}; an IPv6 host must be in brackets, e.g. [::1]:${port}`,
    );
  }
  const ip = tryParseIp(hostText);
  if (ip !== undefined) return { host: formatIp(ip), port, family: 'ipv4' };
  if (!allowNames) throw new ConfigError(variable, text, `${expected}; ${hostText} is not an IP address`);
  const problem = dnsNameProblem(hostText);
  if (problem !== undefined) {
    throw new ConfigError(
      variable,
      text,
      `${expected}; ${JSON.stringify(hostText)} is not a DNS name: ${problem}`,
    );
  }
  return { host: hostText, port, family: 'dns' };
}
