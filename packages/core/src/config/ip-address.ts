/**
 * A parsed IP address. IPv4 addresses use `words[3]` only (the other words are 0); IPv6
 * addresses use all four 32-bit words, most significant first.
 */
export interface IpAddress {
  /** 4 for IPv4, 6 for IPv6 (including IPv4-mapped IPv6 such as `::ffff:10.0.0.1`). */
  readonly family: 4 | 6;
  /** The address as four unsigned 32-bit words, most significant first. */
  readonly words: Readonly<Uint32Array>;
}

/**
 * Parses `text` as an IPv4 or IPv6 address into `out` (four words) without allocating.
 * Returns the family, or 0 when `text` is not an address. Zone ids (`%eth0`) are rejected.
 */
export function parseIpInto(text: string, out: Uint32Array): 0 | 4 | 6 {
  if (text.indexOf(':') === -1) {
    const v4 = parseIpv4(text, 0, text.length);
    if (v4 < 0) return 0;
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[3] = v4;
    return 4;
  }
  return parseIpv6(text, out) ? 6 : 0;
}

/** Parses an IPv4 or IPv6 address; returns undefined when `text` is not one. */
export function tryParseIp(text: string): IpAddress | undefined {
  const words = new Uint32Array(4);
  const family = parseIpInto(text, words);
  return family === 0 ? undefined : { family, words };
}

/** True when `ip` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
export function isIpv4Mapped(words: Readonly<Uint32Array>): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

/**
 * Formats an address in its canonical text form: dotted quad for IPv4, RFC 5952 for IPv6
 * (lower case, the longest run of two or more zero groups compressed, IPv4-mapped addresses
 * written as `::ffff:a.b.c.d`).
 */
export function formatIp(ip: IpAddress): string {
  const w = ip.words;
  if (ip.family === 4) return formatIpv4(w[3]!);
  if (isIpv4Mapped(w)) return `::ffff:${formatIpv4(w[3]!)}`;
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(w[i]! >>> 16, w[i]! & 0xffff);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** Parses a dotted quad in text[from, to); returns the address or -1. Leading zeros are rejected. */
function parseIpv4(text: string, from: number, to: number): number {
  let value = 0;
  let octets = 0;
  let i = from;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    while (i < to) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
      if (i - start > 3) return -1;
    }
    const len = i - start;
    if (len === 0 || octet > 255 || (len > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= to || text.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === to ? value >>> 0 : -1;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function getGroup(out: Uint32Array, i: number): number {
  const w = out[i >> 1]!;
  return i & 1 ? w & 0xffff : w >>> 16;
}

function setGroup(out: Uint32Array, i: number, value: number): void {
  const w = out[i >> 1]!;
  out[i >> 1] = (i & 1 ? (w & 0xffff0000) | value : (value << 16) | (w & 0xffff)) >>> 0;
}

/** Parses IPv6 text straight into `out`, 16-bit group by group, so nothing is allocated. */
function parseIpv6(text: string, out: Uint32Array): boolean {
  const len = text.length;
  if (len < 2 || len > 45) return false;
  out.fill(0);
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
    if (i === len) return true;
  }
  while (i < len) {
    if (count === 8) return false;
    const start = i;
    let value = 0;
    while (i < len && i - start < 5) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) break;
      value = value * 16 + d;
      i++;
    }
    const digits = i - start;
    if (i < len && text.charCodeAt(i) === 46) {
      // An embedded IPv4 address fills the last two groups.
      if (count > 6) return false;
      const v4 = parseIpv4(text, start, len);
      if (v4 < 0) return false;
      setGroup(out, count++, v4 >>> 16);
      setGroup(out, count++, v4 & 0xffff);
      i = len;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    setGroup(out, count++, value);
    if (i === len) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < len && text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
      if (i === len) break;
    } else if (i === len) {
      return false;
    }
  }
  if (gap < 0) return count === 8;
  if (count > 7) return false;
  // Move the groups after "::" to the end and zero the gap they leave.
  const shift = 8 - count;
  for (let k = count - 1; k >= gap; k--) setGroup(out, k + shift, getGroup(out, k));
  for (let k = gap; k < gap + shift; k++) setGroup(out, k, 0);
  return true;
}
