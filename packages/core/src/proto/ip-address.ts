import Long from 'long';
import { io } from './gen/linkerd.js';
import { longToBigInt } from './long-conversion.js';
import { InvalidProtoValueError } from './proto-errors.js';

// Not destructured: top-level `IPAddress` would make the bundler rename the generated class.
const netMessages = io.linkerd.proxy.net;
const EXPECTED = 'a dotted IPv4 address (10.0.0.1) or an IPv6 address (fd00::1, ::ffff:10.0.0.1)';
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseIPv4(text: string, into: Uint8Array, offset: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!DECIMAL_OCTET.test(part)) return false;
    const octet = Number(part);
    if (octet > 255) return false;
    into[offset + i] = octet;
  }
  return true;
}

/** Parses `text` into 16 bytes; false when it is not an IPv6 address (zones are not accepted). */
function parseIPv6(text: string, into: Uint8Array): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const all = halves.length === 2 ? tail : head;
  // A dotted IPv4 tail stands for the last two groups.
  const last = all[all.length - 1];
  let ipv4Tail = false;
  if (last?.includes('.')) {
    if (!parseIPv4(last, into, 12)) return false;
    all.pop();
    ipv4Tail = true;
  }
  const groupSlots = ipv4Tail ? 6 : 8;
  const explicit = head.length + (halves.length === 2 ? tail.length : 0);
  if (halves.length === 2 ? explicit > groupSlots - 1 : explicit !== groupSlots) return false;
  const write = (groups: string[], start: number): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      if (!HEX_GROUP.test(group)) return false;
      const value = Number.parseInt(group, 16);
      into[(start + i) * 2] = value >> 8;
      into[(start + i) * 2 + 1] = value & 0xff;
    }
    return true;
  };
  into.fill(0, 0, ipv4Tail ? 12 : 16);
  if (!write(head, 0)) return false;
  return halves.length === 1 || write(tail, groupSlots - tail.length);
}

/**
 * Parses an IP address into its bytes: 4 for IPv4, 16 for IPv6.
 * @throws {@link InvalidProtoValueError} when `text` is neither.
 */
export function parseIpBytes(text: string): Uint8Array {
  if (typeof text === 'string') {
    if (text.includes(':')) {
      const bytes = new Uint8Array(16);
      if (parseIPv6(text, bytes)) return bytes;
    } else {
      const bytes = new Uint8Array(4);
      if (parseIPv4(text, bytes, 0)) return bytes;
    }
  }
  throw new InvalidProtoValueError('IP address', String(text), EXPECTED);
}

/**
 * Formats 4 or 16 address bytes as text. IPv6 follows RFC 5952: lowercase, the longest run of
 * two or more zero groups shortened to `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
 */
export function formatIpBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length !== 16) {
    throw new InvalidProtoValueError('IP address byte length', String(bytes.length), '4 or 16');
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.subarray(12).join('.')}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Builds a `net.IPAddress` from 4 or 16 address bytes. */
export function ipAddressFromBytes(bytes: Uint8Array): io.linkerd.proxy.net.IPAddress {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 4) return netMessages.IPAddress.create({ ipv4: view.getUint32(0) });
  if (bytes.length !== 16) {
    throw new InvalidProtoValueError('IP address byte length', String(bytes.length), '4 or 16');
  }
  const half = (at: number) => Long.fromBits(view.getUint32(at + 4) | 0, view.getUint32(at) | 0, true);
  return netMessages.IPAddress.create({ ipv6: netMessages.IPv6.create({ first: half(0), last: half(8) }) });
}

/**
 * Returns the bytes of a `net.IPAddress` (4 for `ipv4`, 16 for `ipv6`).
 * @throws {@link InvalidProtoValueError} when neither member of the oneof is set or a value is out of range.
 */
export function ipAddressToBytes(address: io.linkerd.proxy.net.IPAddress.$Properties): Uint8Array {
  const kind = address.ip ?? (address.ipv4 != null ? 'ipv4' : address.ipv6 != null ? 'ipv6' : undefined);
  if (kind === 'ipv4' && address.ipv4 != null) {
    const value = address.ipv4;
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new InvalidProtoValueError('IPAddress.ipv4', String(value), 'an unsigned 32-bit integer');
    }
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value);
    return bytes;
  }
  if (kind === 'ipv6' && address.ipv6 != null) {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt.asUintN(64, longToBigInt(address.ipv6.first ?? 0)));
    view.setBigUint64(8, BigInt.asUintN(64, longToBigInt(address.ipv6.last ?? 0)));
    return bytes;
  }
  throw new InvalidProtoValueError('IPAddress', JSON.stringify(address), 'one of ipv4 or ipv6 set');
}

/**
 * Converts an IP address string to a `net.IPAddress`: IPv4 as its big-endian 32-bit value,
 * IPv6 as two big-endian 64-bit halves. An IPv4-mapped IPv6 address stays IPv6.
 * @throws {@link InvalidProtoValueError} when `text` is not an IP address.
 */
export function ipAddressFromString(text: string): io.linkerd.proxy.net.IPAddress {
  return ipAddressFromBytes(parseIpBytes(text));
}

/** Formats a `net.IPAddress` as text (see {@link formatIpBytes} for the IPv6 form). */
export function ipAddressToString(address: io.linkerd.proxy.net.IPAddress.$Properties): string {
  return formatIpBytes(ipAddressToBytes(address));
}
