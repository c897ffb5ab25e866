import type { Socket } from 'node:net';
import { peekFirstBytes } from '../transport/peek.js';
import type { PeekError } from '../transport/transport-errors.js';
import { detectHttp, HTTP_DETECT_MAX_BYTES, type HttpDetection } from './http-detect.js';

/**
 * The outcome of {@link sniffHttp}. `consumed` is undefined when the bytes were peeked and are
 * still on the socket; otherwise it holds the bytes read in JS, to be replayed downstream.
 */
export type HttpSniff =
  | { kind: HttpDetection; consumed: Buffer | undefined }
  | { kind: 'timeout'; consumed: Buffer | undefined }
  | { kind: 'eof' }
  | { kind: 'error'; error: PeekError };

/**
 * HTTP detection on a paused socket (spec §2.6): one look at up to 1024 bytes within
 * `timeoutMs`, classified by {@link detectHttp}. A connection closed before any byte is `eof`
 * (an error for the caller, per linkerd2-proxy); a timeout means "treat as opaque" outbound.
 */
export async function sniffHttp(socket: Socket, timeoutMs: number): Promise<HttpSniff> {
  const result = await peekFirstBytes(socket, HTTP_DETECT_MAX_BYTES, timeoutMs);
  switch (result.kind) {
    case 'data':
      return { kind: detectHttp(result.bytes), consumed: result.consumed };
    case 'timeout':
      return { kind: 'timeout', consumed: result.consumed };
    default:
      return result;
  }
}
