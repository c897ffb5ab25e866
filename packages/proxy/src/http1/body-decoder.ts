import type { HeaderList } from '../http/types.js';
import { TOKEN, trimOws } from './head-syntax.js';
import { HttpParseError } from './parse-error.js';

/** Receives decoded body data from a {@link BodyDecoder}. */
export interface BodyDecoderSink {
  /** Payload bytes (a view into the input buffer: copy it to keep it past the call). */
  onBodyData(chunk: Buffer): void;
}

enum State {
  Size,
  SizeExt,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  Trailers,
  Done,
  Length,
  Close,
}

/** Chunk sizes above this (2^52) are refused: they cannot be real and risk overflow. */
const MAX_CHUNK_SIZE = 2 ** 52;
/** Chunk extensions longer than this are refused (CVE-2024-22019 class). */
const MAX_EXTENSION_BYTES = 4096;
/** The trailer section may not exceed this. */
const MAX_TRAILER_BYTES = 16 * 1024;

/**
 * Decodes an HTTP/1 message body delimited by `Content-Length`, chunked coding, or connection
 * close, delivering payload slices without copying. Chunk framing is validated strictly (hex
 * size without overflow, bounded extensions, CRLF after data, bounded trailers); a violation
 * throws {@link HttpParseError} with `status` (400 for requests, 502 for responses).
 */
export class BodyDecoder {
  #state: State;
  #remaining: number;
  #size = 0;
  #sizeDigits = 0;
  #extBytes = 0;
  #trailerText = '';
  #trailers: HeaderList | null = null;
  readonly #sink: BodyDecoderSink;
  readonly #errorStatus: number;

  /**
   * @param framing - `length` with `length` bytes, `chunked`, or `close` (read until EOF).
   * @param errorStatus - status carried by parse errors (400 request, 502 response).
   */
  constructor(
    framing: 'length' | 'chunked' | 'close',
    length: number,
    sink: BodyDecoderSink,
    errorStatus: number,
  ) {
    this.#sink = sink;
    this.#errorStatus = errorStatus;
    if (framing === 'length') {
      this.#state = length === 0 ? State.Done : State.Length;
      this.#remaining = length;
    } else if (framing === 'chunked') {
      this.#state = State.Size;
      this.#remaining = 0;
    } else {
      this.#state = State.Close;
      this.#remaining = -1;
    }
  }

  /** Whether the whole body has been decoded. */
  get done(): boolean {
    return this.#state === State.Done;
  }

  /** Trailer fields of a chunked body (lowercase names), once done; `null` when none. */
  get trailers(): HeaderList | null {
    return this.#trailers;
  }

  /**
   * Feeds bytes starting at `start`. Returns the index just past the end of the body when it
   * completes inside `buf` (bytes after it belong to the next message), or -1 when all of `buf`
   * was consumed and more is needed.
   */
  feed(buf: Buffer, start: number): number {
    let i = start;
    const len = buf.length;
    while (i < len) {
      switch (this.#state) {
        case State.Length: {
          const n = Math.min(this.#remaining, len - i);
          this.#sink.onBodyData(i === 0 && n === len ? buf : buf.subarray(i, i + n));
          i += n;
          this.#remaining -= n;
          if (this.#remaining === 0) {
            this.#state = State.Done;
            return i;
          }
          break;
        }
        case State.Close:
          this.#sink.onBodyData(i === 0 ? buf : buf.subarray(i));
          return -1;
        case State.Size: {
          const c = buf[i]!;
          const d = hexValue(c);
          if (d >= 0) {
            this.#size = this.#size * 16 + d;
            if (++this.#sizeDigits > 14 || this.#size > MAX_CHUNK_SIZE)
              throw this.#error('chunk size too large');
            i++;
          } else if (this.#sizeDigits === 0) {
            throw this.#error('chunk size missing');
          } else if (c === 13) {
            this.#state = State.SizeLf;
            i++;
          } else if (c === 59 || c === 32 || c === 9) {
            // ";" starts an extension; BWS may precede it.
            this.#state = State.SizeExt;
            this.#extBytes = 0;
            i++;
          } else {
            throw this.#error('invalid character in chunk size');
          }
          break;
        }
        case State.SizeExt: {
          const c = buf[i]!;
          if (c === 13) {
            this.#state = State.SizeLf;
          } else if (c === 10 || (c < 32 && c !== 9) || c === 127) {
            throw this.#error('invalid character in chunk extension');
          } else if (++this.#extBytes > MAX_EXTENSION_BYTES) {
            throw this.#error('chunk extension too long');
          }
          i++;
          break;
        }
        case State.SizeLf: {
          if (buf[i] !== 10) throw this.#error('chunk size line not terminated by CRLF');
          i++;
          if (this.#size === 0) {
            this.#state = State.Trailers;
            this.#trailerText = '';
          } else {
            this.#remaining = this.#size;
            this.#state = State.Data;
          }
          this.#size = 0;
          this.#sizeDigits = 0;
          break;
        }
        case State.Data: {
          const n = Math.min(this.#remaining, len - i);
          this.#sink.onBodyData(buf.subarray(i, i + n));
          i += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = State.DataCr;
          break;
        }
        case State.DataCr:
          if (buf[i] !== 13) throw this.#error('chunk data not followed by CRLF');
          this.#state = State.DataLf;
          i++;
          break;
        case State.DataLf:
          if (buf[i] !== 10) throw this.#error('chunk data not followed by CRLF');
          this.#state = State.Size;
          i++;
          break;
        case State.Trailers: {
          // Trailer section: header lines then an empty line. Collect until CRLFCRLF (or an
          // immediate CRLF for no trailers).
          const text = this.#trailerText + buf.toString('latin1', i, len);
          if (text.length >= 2 && text.charCodeAt(0) === 13 && text.charCodeAt(1) === 10) {
            this.#state = State.Done;
            return i + 2 - this.#trailerText.length;
          }
          const endAt = text.indexOf('\r\n\r\n');
          if (endAt < 0) {
            if (text.length > MAX_TRAILER_BYTES) throw this.#error('trailer section too large');
            if (text.length >= 1 && text.charCodeAt(0) !== 13 && /(^|[^\r])\n/.test(text)) {
              throw this.#error('bare LF in trailer section');
            }
            this.#trailerText = text;
            return -1;
          }
          this.#trailers = this.#parseTrailers(text.slice(0, endAt + 2));
          this.#state = State.Done;
          return i + endAt + 4 - this.#trailerText.length;
        }
        case State.Done:
          return i;
      }
    }
    return this.#state === State.Done ? i : -1;
  }

  /** Signals EOF. Ends a close-delimited body; any other unfinished body is an error. */
  finish(): void {
    if (this.#state === State.Close) {
      this.#state = State.Done;
      return;
    }
    if (this.#state !== State.Done) throw this.#error('connection closed before the body was complete');
  }

  #parseTrailers(text: string): HeaderList | null {
    const out: HeaderList = [];
    let pos = 0;
    while (pos < text.length) {
      const eol = text.indexOf('\r\n', pos);
      const line = text.slice(pos, eol);
      pos = eol + 2;
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) throw this.#error('invalid character in trailer');
      const colon = line.indexOf(':');
      if (colon <= 0) throw this.#error('trailer line without a colon');
      const rawName = line.slice(0, colon);
      if (!TOKEN.test(rawName)) throw this.#error(`invalid trailer name ${JSON.stringify(rawName)}`);
      const name = rawName.toLowerCase();
      // Framing and routing fields are not allowed in trailers (RFC 9110 §6.5.1).
      if (
        name === 'content-length' ||
        name === 'transfer-encoding' ||
        name === 'host' ||
        name === 'connection'
      ) {
        continue;
      }
      out.push(name, trimOws(line.slice(colon + 1)));
    }
    return out.length === 0 ? null : out;
  }

  #error(what: string): HttpParseError {
    return new HttpParseError(this.#errorStatus, `invalid chunked body: ${what}`);
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
