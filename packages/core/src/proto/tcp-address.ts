import { io } from './gen/linkerd.js';
import {
  formatIpBytes,
  ipAddressFromBytes,
  ipAddressFromString,
  ipAddressToBytes,
  parseIpBytes,
} from './ip-address.js';
import { InvalidProtoValueError } from './proto-errors.js';

const netMessages = io.linkerd.proxy.net;
const PORT = /^(0|[1-9][0-9]{0,4})$/;

function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidProtoValueError(what, String(port), 'an integer port in 0..65535');
  }
  return port;
}

/** Builds a `net.TcpAddress` from an IP address string and a port (0..65535). */
export function tcpAddressFromParts(ip: string, port: number): io.linkerd.proxy.net.TcpAddress {
  return netMessages.TcpAddress.create({ ip: ipAddressFromString(ip), port: checkPort(port, 'TCP port') });
}

/**
 * Parses `ip:port` (`10.0.0.1:8080`, `[fd00::1]:8080`) into a `net.TcpAddress`.
 * @throws {@link InvalidProtoValueError} naming the bad text.
 */
export function tcpAddressFromString(text: string): io.linkerd.proxy.net.TcpAddress {
  const expected = '`ipv4:port` or `[ipv6]:port` with a port in 0..65535';
  const colon = typeof text === 'string' ? text.lastIndexOf(':') : -1;
  if (colon <= 0) throw new InvalidProtoValueError('TCP address', String(text), expected);
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw new InvalidProtoValueError('TCP address', text, expected);
  const port = Number(portText);
  if (!PORT.test(portText) || port > 65535) throw new InvalidProtoValueError('TCP address', text, expected);
  try {
    return netMessages.TcpAddress.create({ ip: ipAddressFromString(host), port });
  } catch (cause) {
    throw new InvalidProtoValueError('TCP address', text, expected, { cause });
  }
}

/** Formats a `net.TcpAddress` as `ip:port`, bracketing IPv6 (`[fd00::1]:8080`). */
export function tcpAddressToString(address: io.linkerd.proxy.net.TcpAddress.$Properties): string {
  if (address.ip == null) {
    throw new InvalidProtoValueError('TcpAddress.ip', 'missing', 'an IPAddress');
  }
  const bytes = ipAddressToBytes(address.ip);
  const port = checkPort(address.port ?? 0, 'TcpAddress.port');
  const host = formatIpBytes(bytes);
  return bytes.length === 16 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses CIDR notation (`10.0.0.0/8`, `fd00::/16`; a bare address means a single host) into a
 * `net.IPNetwork`. Host bits are kept as written.
 */
export function ipNetworkFromString(text: string): io.linkerd.proxy.net.IPNetwork {
  const expected = 'CIDR notation such as 10.0.0.0/8 or fd00::/16';
  const slash = typeof text === 'string' ? text.indexOf('/') : -1;
  const ipText = slash < 0 ? text : text.slice(0, slash);
  let bytes: Uint8Array;
  try {
    bytes = parseIpBytes(ipText);
  } catch (cause) {
    throw new InvalidProtoValueError('IP network', String(text), expected, { cause });
  }
  const maxPrefix = bytes.length * 8;
  const prefixText = slash < 0 ? String(maxPrefix) : text.slice(slash + 1);
  const prefixLen = Number(prefixText);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || prefixLen > maxPrefix) {
    throw new InvalidProtoValueError(
      'IP network',
      text,
      `${expected}, with a prefix length of 0..${maxPrefix}`,
    );
  }
  return netMessages.IPNetwork.create({ ip: ipAddressFromBytes(bytes), prefixLen });
}

/** Formats a `net.IPNetwork` in CIDR notation (`10.0.0.0/8`). */
export function ipNetworkToString(network: io.linkerd.proxy.net.IPNetwork.$Properties): string {
  if (network.ip == null) {
    throw new InvalidProtoValueError('IPNetwork.ip', 'missing', 'an IPAddress');
  }
  const bytes = ipAddressToBytes(network.ip);
  const prefixLen = network.prefixLen ?? 0;
  if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > bytes.length * 8) {
    throw new InvalidProtoValueError('IPNetwork.prefixLen', String(prefixLen), `0..${bytes.length * 8}`);
  }
  return `${formatIpBytes(bytes)}/${prefixLen}`;
}
