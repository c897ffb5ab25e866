/** Minimal DER writing for the certificate hot path: tag-length-value from byte parts. */

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One TLV with `tag` around the concatenated `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const head = lengthBytes(size);
  const out = new Uint8Array(1 + head.length + size);
  out[0] = tag;
  out.set(head, 1);
  let at = 1 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** SEQUENCE. */
export const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);
/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
/** BIT STRING with no unused bits. */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, new Uint8Array([0]), bytes);
/** Context-specific constructed `[n]`. */
export const explicit = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);
/** BOOLEAN TRUE. */
export const TRUE = new Uint8Array([0x01, 0x01, 0xff]);

/** A positive INTEGER. */
export function integer(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A leading 0x00 keeps the value positive when the top bit is set.
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return tlv(0x02, Buffer.from(hex, 'hex'));
}

/** An OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const body: number[] = [Number((arcs[0] ?? 0n) * 40n + (arcs[1] ?? 0n))];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn) | (chunk.length === 0 ? 0 : 0x80));
      v >>= 7n;
    } while (v > 0n);
    body.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(body));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 5280 Time: UTCTime through 2049, GeneralizedTime after. Whole seconds. */
export function time(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return y < 2050
    ? tlv(0x17, Buffer.from(`${pad(y % 100)}${rest}`, 'latin1'))
    : tlv(0x18, Buffer.from(`${pad(y, 4)}${rest}`, 'latin1'));
}

/** IA5String context tag `[2]` (a dNSName GeneralName). */
export const dnsName = (name: string): Uint8Array => tlv(0x82, Buffer.from(name, 'latin1'));
