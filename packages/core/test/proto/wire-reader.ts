// A deliberately tiny protobuf wire-format reader, written from the encoding rules rather than
// with protobufjs, so tests can check what the generated code puts on the wire.

/** Wire types: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit. */
export type WireType = 0 | 1 | 2 | 5;

/** One top-level field record. */
export interface WireRecord {
  readonly field: number;
  readonly wireType: WireType;
  /** The varint value (wire type 0). */
  readonly varint?: bigint;
  /** The raw payload: 8 or 4 bytes for fixed types, the contents for length-delimited. */
  readonly bytes?: Uint8Array;
}

function readVarint(buf: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n, i = at; i < buf.length && shift < 70n; i++, shift += 7n) {
    const byte = buf[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error(`truncated or overlong varint at offset ${at}`);
}

/** Splits a message into its top-level field records; throws on anything malformed. */
export function readWire(buf: Uint8Array): WireRecord[] {
  const records: WireRecord[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0) throw new Error('field number 0');
    switch (wireType) {
      case 0: {
        const [varint, after] = readVarint(buf, at);
        records.push({ field, wireType, varint });
        at = after;
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (at + size > buf.length) throw new Error('truncated fixed field');
        records.push({ field, wireType, bytes: buf.subarray(at, at + size) });
        at += size;
        break;
      }
      case 2: {
        const [length, after] = readVarint(buf, at);
        const end = after + Number(length);
        if (end > buf.length) throw new Error('truncated length-delimited field');
        records.push({ field, wireType, bytes: buf.subarray(after, end) });
        at = end;
        break;
      }
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return records;
}

/** The expected varint of a value as protobuf encodes it (negative int32/int64 sign-extend to 64 bits). */
export function varintOf(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
