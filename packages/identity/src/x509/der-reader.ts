/** Minimal DER reading for the CSR hot path: TLV boundaries over one buffer, no copies. */

/** One TLV: its tag and where its header and content lie in the buffer. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

/** A DER structure could not be read; the message says where. */
export class DerError extends Error {}

/** Reads the TLV at `at`, which must end by `limit`. */
export function readTlv(der: Uint8Array, at: number, limit = der.length): Tlv {
  if (at + 2 > limit) throw new DerError(`truncated header at byte ${at}`);
  const tag = der[at] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at byte ${at}`);
  const first = der[at + 1] ?? 0;
  let length = first;
  let contentStart = at + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`unsupported length form at byte ${at}`);
    if (contentStart + count > limit) throw new DerError(`truncated length at byte ${at}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart + i] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`value at byte ${at} runs past its container (${length} bytes)`);
  return { tag, start: at, contentStart, end };
}

/** The TLVs inside a constructed TLV. */
export function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(der, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Reads a TLV and checks its tag. */
export function expectTlv(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined) throw new DerError(`${what} is missing`);
  if (tlv.tag !== tag)
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** The content bytes of a TLV (a view, not a copy). */
export const contentOf = (der: Uint8Array, tlv: Tlv): Uint8Array => der.subarray(tlv.contentStart, tlv.end);
/** The whole TLV bytes (a view). */
export const bytesOf = (der: Uint8Array, tlv: Tlv): Uint8Array => der.subarray(tlv.start, tlv.end);

/** An OBJECT IDENTIFIER's content as dotted text. */
export function oidText(content: Uint8Array): string {
  if (content.length === 0) return '';
  const first = content[0] ?? 0;
  const arcs: number[] = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let value = 0;
  for (let i = 1; i < content.length; i++) {
    const b = content[i] ?? 0;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** A directory string (UTF8String, PrintableString, IA5String, T61String, BMPString) as text. */
export function stringText(der: Uint8Array, tlv: Tlv): string {
  const content = contentOf(der, tlv);
  if (tlv.tag === 0x1e) return Buffer.from(content).swap16().toString('utf16le');
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString(
    tlv.tag === 0x0c ? 'utf8' : 'latin1',
  );
}

/** The dotted text of an OBJECT IDENTIFIER TLV. @throws DerError when the tag is not OID. */
export function oidOf(der: Uint8Array, tlv: Tlv | undefined, what: string): string {
  return oidText(contentOf(der, expectTlv(tlv, 0x06, what)));
}
