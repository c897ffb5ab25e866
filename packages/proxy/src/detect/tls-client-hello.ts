/** What the first bytes of a connection say about TLS. */
export type ClientHelloResult =
  | {
      kind: 'not-tls';
      /** Why the bytes are not (usable as) a TLS ClientHello, for logs. */
      reason: string;
    }
  | {
      kind: 'incomplete';
      /** Total bytes needed from the start before the parse can progress (≤ the max). */
      needed: number;
    }
  | {
      kind: 'client-hello';
      /** The `server_name` extension's host name, lowercase; undefined when absent or not a DNS name. */
      sni: string | undefined;
      /** ALPN protocol names the client offered, in its order. */
      alpn: string[];
      /** Bytes from the start up to the end of the record that completed the ClientHello. */
      length: number;
    };

/** linkerd2-proxy first peeks this many bytes for the ClientHello (spec §2.4). */
export const TLS_DETECT_INITIAL_BYTES = 512;
/** …and reads at most this many when the ClientHello is longer. */
export const TLS_DETECT_MAX_BYTES = 8192;

const CONTENT_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const MAX_RECORD_PAYLOAD = 16_384;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/** A bounds-checked cursor over a byte range; reads past the end throw {@link Malformed}. */
class Reader {
  readonly #bytes: Uint8Array;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.#bytes = bytes;
    this.#pos = start;
    this.#end = end;
  }

  get remaining(): number {
    return this.#end - this.#pos;
  }

  u8(what: string): number {
    this.#need(1, what);
    return this.#bytes[this.#pos++]!;
  }

  u16(what: string): number {
    this.#need(2, what);
    const v = (this.#bytes[this.#pos]! << 8) | this.#bytes[this.#pos + 1]!;
    this.#pos += 2;
    return v;
  }

  /** A sub-reader over the next `length` bytes, which this reader skips. */
  take(length: number, what: string): Reader {
    this.#need(length, what);
    const sub = new Reader(this.#bytes, this.#pos, this.#pos + length);
    this.#pos += length;
    return sub;
  }

  skip(length: number, what: string): void {
    this.#need(length, what);
    this.#pos += length;
  }

  latin1(length: number, what: string): string {
    this.#need(length, what);
    const s = Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + this.#pos, length).toString('latin1');
    this.#pos += length;
    return s;
  }

  #need(length: number, what: string): void {
    if (length > this.#end - this.#pos) {
      throw new Malformed(`${what} needs ${length} bytes but ${this.#end - this.#pos} remain`);
    }
  }
}

/** Internal: a structural error inside a complete ClientHello. Never escapes this module. */
class Malformed extends Error {}

/**
 * Parses the start of a connection as a TLS ClientHello (record layer, possibly spread over
 * several handshake records) and extracts SNI and ALPN. Looks at no more than `maxBytes`.
 *
 * - `not-tls` as soon as the bytes cannot be a ClientHello (first byte not 0x16, not SSL 3/TLS,
 *   not a ClientHello message), when it is malformed, or when it would exceed `maxBytes`;
 * - `incomplete` with the total length needed when more bytes could complete it;
 * - `client-hello` otherwise.
 *
 * Total: every read is bounds-checked and nothing throws for any input.
 */
export function parseClientHello(
  bytes: Uint8Array,
  maxBytes: number = TLS_DETECT_MAX_BYTES,
): ClientHelloResult {
  const available = Math.min(bytes.length, maxBytes);
  // Decide early from a prefix, so plaintext is not held back waiting for a record header.
  if (available >= 1 && bytes[0] !== CONTENT_HANDSHAKE)
    return notTls(`first byte 0x${hex(bytes[0]!)} is not a TLS handshake record`);
  if (available >= 2 && bytes[1] !== 0x03) return notTls(`record version major ${bytes[1]} is not 3`);
  if (available >= 6 && bytes[5] !== HANDSHAKE_CLIENT_HELLO)
    return notTls(`handshake type ${bytes[5]} is not ClientHello`);

  // Reassemble the handshake message from consecutive handshake records.
  const fragments: Uint8Array[] = [];
  let gathered = 0;
  let messageLength = -1;
  let pos = 0;
  for (;;) {
    if (pos + 5 > available) return incomplete(pos + 5, maxBytes);
    if (bytes[pos] !== CONTENT_HANDSHAKE)
      return notTls(`record type ${bytes[pos]} interrupts the ClientHello`);
    if (bytes[pos + 1] !== 0x03) return notTls(`record version major ${bytes[pos + 1]} is not 3`);
    const recordLength = (bytes[pos + 3]! << 8) | bytes[pos + 4]!;
    if (recordLength === 0) return notTls('empty handshake record');
    if (recordLength > MAX_RECORD_PAYLOAD)
      return notTls(`record length ${recordLength} exceeds ${MAX_RECORD_PAYLOAD}`);
    const recordEnd = pos + 5 + recordLength;
    if (recordEnd > available) return incomplete(recordEnd, maxBytes);
    fragments.push(bytes.subarray(pos + 5, recordEnd));
    gathered += recordLength;
    pos = recordEnd;
    if (messageLength < 0 && gathered >= 4) {
      const head = concat(fragments, gathered);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return notTls(`handshake type ${head[0]} is not ClientHello`);
      messageLength = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
      if (messageLength + 4 > maxBytes)
        return notTls(`ClientHello of ${messageLength} bytes exceeds the ${maxBytes}-byte limit`);
    }
    if (messageLength >= 0 && gathered >= messageLength + 4) break;
  }
  const message = concat(fragments, gathered);
  try {
    const { sni, alpn } = parseClientHelloBody(new Reader(message, 4, 4 + messageLength));
    return { kind: 'client-hello', sni, alpn, length: pos };
  } catch (err) {
    if (err instanceof Malformed) return notTls(`malformed ClientHello: ${err.message}`);
    throw err;
  }
}

function parseClientHelloBody(r: Reader): { sni: string | undefined; alpn: string[] } {
  const major = r.u8('legacy_version');
  r.u8('legacy_version');
  if (major !== 3) throw new Malformed(`legacy_version major ${major} is not 3`);
  r.skip(32, 'random');
  const sessionIdLength = r.u8('legacy_session_id length');
  if (sessionIdLength > 32) throw new Malformed(`legacy_session_id length ${sessionIdLength} exceeds 32`);
  r.skip(sessionIdLength, 'legacy_session_id');
  const suitesLength = r.u16('cipher_suites length');
  if (suitesLength < 2 || suitesLength % 2 !== 0)
    throw new Malformed(`cipher_suites length ${suitesLength} is not a positive even number`);
  r.skip(suitesLength, 'cipher_suites');
  const compressionLength = r.u8('legacy_compression_methods length');
  if (compressionLength < 1) throw new Malformed('legacy_compression_methods is empty');
  r.skip(compressionLength, 'legacy_compression_methods');
  let sni: string | undefined;
  let alpn: string[] = [];
  if (r.remaining === 0) return { sni, alpn };
  const extensionsLength = r.u16('extensions length');
  if (extensionsLength !== r.remaining) {
    throw new Malformed(`extensions length ${extensionsLength} does not match the ${r.remaining} bytes left`);
  }
  const extensions = r.take(extensionsLength, 'extensions');
  let seenSni = false;
  let seenAlpn = false;
  while (extensions.remaining > 0) {
    const type = extensions.u16('extension type');
    const data = extensions.take(extensions.u16('extension length'), `extension ${type}`);
    if (type === EXT_SERVER_NAME) {
      if (seenSni) throw new Malformed('duplicate server_name extension');
      seenSni = true;
      sni = parseServerName(data);
    } else if (type === EXT_ALPN) {
      if (seenAlpn) throw new Malformed('duplicate ALPN extension');
      seenAlpn = true;
      alpn = parseAlpn(data);
    }
  }
  return { sni, alpn };
}

function parseServerName(data: Reader): string | undefined {
  if (data.remaining === 0) return undefined;
  const listLength = data.u16('server_name_list length');
  if (listLength !== data.remaining)
    throw new Malformed(`server_name_list length ${listLength} does not match its extension`);
  let hostName: string | undefined;
  let found = false;
  while (data.remaining > 0) {
    const nameType = data.u8('server name type');
    const length = data.u16('server name length');
    const name = data.latin1(length, 'server name');
    if (nameType === 0 && !found) {
      found = true;
      hostName = isDnsName(name) ? name.toLowerCase() : undefined;
    }
  }
  return hostName;
}

function parseAlpn(data: Reader): string[] {
  const listLength = data.u16('ALPN protocol_name_list length');
  if (listLength !== data.remaining || listLength < 2) {
    throw new Malformed(`ALPN protocol_name_list length ${listLength} does not match its extension`);
  }
  const protocols: string[] = [];
  while (data.remaining > 0) {
    const length = data.u8('ALPN protocol name length');
    if (length === 0) throw new Malformed('empty ALPN protocol name');
    protocols.push(data.latin1(length, 'ALPN protocol name'));
  }
  return protocols;
}

/** A host name per RFC 1123 labels (underscores tolerated, as in many service names). */
function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > 63) return false;
    if (!/^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(label)) return false;
  }
  return true;
}

function incomplete(needed: number, maxBytes: number): ClientHelloResult {
  if (needed > maxBytes) return notTls(`ClientHello needs more than the ${maxBytes}-byte limit`);
  return { kind: 'incomplete', needed };
}

function notTls(reason: string): ClientHelloResult {
  return { kind: 'not-tls', reason };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts, total);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
