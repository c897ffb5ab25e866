import { ErrorCode, SkeinError } from '../errors/index.js';
import { transport } from './gen/linkerd.js';
import { TransportHeaderError } from './proto-errors.js';
import {
  PREFACE_BYTES,
  PREFIX_LENGTH,
  type SessionProtocolName,
  TRANSPORT_HEADER_MAX_LENGTH,
  type TransportHeader,
  transportHeaderViolation,
} from './transport-header.js';

const HeaderMessage = transport.l5d.io.Header;
const PREFACE_LENGTH = PREFACE_BYTES.length;

/** What {@link TransportHeaderDecoder.push} found. */
export type TransportHeaderDecodeResult =
  /** The header is not complete: at least `needed` more bytes are required. */
  | { readonly done: false; readonly needed: number }
  /** The header, and the application bytes that came after it in the same chunks (maybe empty). */
  | { readonly done: true; readonly header: TransportHeader; readonly rest: Buffer };

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Reads a transport header from a byte stream fed in chunks of any size. It checks the preface
 * byte by byte as it arrives, rejects a length over 64 KiB before buffering it, and copies the
 * chunks at most once. Chunks are kept by reference until the header completes, and `rest` may
 * share memory with the last one.
 *
 * @example
 * ```ts
 * const decoder = new TransportHeaderDecoder();
 * socket.on('data', (chunk) => {
 *   const result = decoder.push(chunk); // throws TransportHeaderError on bad input
 *   if (result.done) route(result.header, result.rest);
 * });
 * socket.on('end', () => decoder.end());
 * ```
 */
export class TransportHeaderDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #bodyLength = -1;
  #done = false;
  #failure: TransportHeaderError | undefined;

  /**
   * Adds bytes. Returns `{ done: false }` while more are needed, then the header once.
   * @throws {@link TransportHeaderError} on a bad preface, a length over 64 KiB, undecodable
   * protobuf, a port outside 1..65535 or a name that is not a DNS name; again on every later call.
   */
  push(chunk: Uint8Array): TransportHeaderDecodeResult {
    if (this.#failure) throw this.#failure;
    if (this.#done) {
      throw new SkeinError(
        ErrorCode.InvalidArgument,
        'TransportHeaderDecoder.push called after the header was decoded',
      );
    }
    const bytes = asBuffer(chunk);
    const offset = this.#buffered;
    for (let i = 0; offset + i < PREFACE_LENGTH && i < bytes.length; i++) {
      if (bytes[i] !== PREFACE_BYTES[offset + i]) {
        const seen = JSON.stringify(
          bytes.subarray(0, Math.min(bytes.length, PREFACE_LENGTH - offset)).toString('latin1'),
        );
        this.#fail(
          'preface',
          `bytes ${offset}.. are ${seen}, expected the preface "transport.l5d.io/v1\\r\\n\\r\\n"`,
        );
      }
    }
    this.#chunks.push(bytes);
    this.#buffered += bytes.length;
    if (this.#bodyLength < 0) {
      if (this.#buffered < PREFIX_LENGTH) return { done: false, needed: PREFIX_LENGTH - this.#buffered };
      const joined = this.#join();
      const length = joined.readUInt32BE(PREFACE_LENGTH);
      if (length > TRANSPORT_HEADER_MAX_LENGTH) {
        this.#fail('length', `declared length ${length} exceeds ${TRANSPORT_HEADER_MAX_LENGTH} bytes`);
      }
      this.#bodyLength = length;
    }
    const total = PREFIX_LENGTH + this.#bodyLength;
    if (this.#buffered < total) return { done: false, needed: total - this.#buffered };
    const joined = this.#join();
    this.#chunks = [];
    const header = this.#decodeBody(joined.subarray(PREFIX_LENGTH, total));
    this.#done = true;
    return { done: true, header, rest: joined.subarray(total) };
  }

  /**
   * Signals the end of the stream.
   * @throws {@link TransportHeaderError} (`fault: 'truncated'`) if it came before the whole header.
   */
  end(): void {
    if (this.#failure) throw this.#failure;
    if (this.#done) return;
    const expected =
      this.#bodyLength < 0 ? `at least ${PREFIX_LENGTH}` : String(PREFIX_LENGTH + this.#bodyLength);
    this.#fail('truncated', `stream ended after ${this.#buffered} bytes, expected ${expected}`);
  }

  #join(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#buffered)];
    return this.#chunks[0]!;
  }

  #decodeBody(body: Buffer): TransportHeader {
    let decoded: transport.l5d.io.Header;
    try {
      decoded = HeaderMessage.decode(body);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.#fail('protobuf', `${body.length}-byte Header does not decode (${reason})`, cause);
    }
    const name = decoded.name;
    const violation = transportHeaderViolation(decoded.port, name);
    if (violation) {
      this.#failure = violation;
      throw violation;
    }
    const kind = decoded.sessionProtocol?.kind;
    const sessionProtocol: SessionProtocolName | undefined =
      kind === 'http1' || kind === 'http2' ? kind : undefined;
    return { port: decoded.port, name: name === '' ? undefined : name, sessionProtocol };
  }

  #fail(fault: TransportHeaderError['fault'], message: string, cause?: unknown): never {
    this.#failure = new TransportHeaderError(fault, message, cause === undefined ? undefined : { cause });
    this.#chunks = [];
    throw this.#failure;
  }
}

/**
 * Decodes a transport header from bytes already in hand; a convenience over
 * {@link TransportHeaderDecoder} that treats missing bytes as truncation.
 * @throws {@link TransportHeaderError}
 */
export function decodeTransportHeader(bytes: Uint8Array): { header: TransportHeader; rest: Buffer } {
  const decoder = new TransportHeaderDecoder();
  const result = decoder.push(bytes);
  if (!result.done) {
    throw new TransportHeaderError('truncated', `got ${bytes.length} bytes, ${result.needed} more needed`);
  }
  return result;
}
