import type { Socket } from 'node:net';
import { peekFirstBytes } from '../transport/peek.js';
import type { PeekError } from '../transport/transport-errors.js';
import { parseClientHello, TLS_DETECT_INITIAL_BYTES, TLS_DETECT_MAX_BYTES } from './tls-client-hello.js';

/**
 * The outcome of {@link readClientHello}. `consumed` is undefined when the bytes were peeked and
 * are still on the socket; otherwise it holds the bytes read in JS, to be replayed.
 */
export type ClientHelloDetection =
  | { kind: 'client-hello'; sni: string | undefined; alpn: string[]; consumed: Buffer | undefined }
  | {
      kind: 'not-tls';
      /** Why it is not a (usable) ClientHello. */
      reason: string;
      /** The bytes looked at, e.g. to run HTTP detection on them without another wait. */
      bytes: Buffer;
      consumed: Buffer | undefined;
    }
  | { kind: 'timeout'; consumed: Buffer | undefined }
  | { kind: 'eof' }
  | { kind: 'error'; error: PeekError };

/**
 * Looks for a TLS ClientHello at the start of a paused socket, as linkerd2-proxy's inbound TLS
 * detection does (spec §2.4): peek 512 bytes; when the hello is longer, wait for exactly as many
 * bytes as it needs, up to 8 KiB, all within `timeoutMs`. The socket is left paused with its
 * bytes unread, ready for `new tls.TLSSocket(socket, …)` or for HTTP detection.
 */
export async function readClientHello(socket: Socket, timeoutMs: number): Promise<ClientHelloDetection> {
  const deadline = performance.now() + timeoutMs;
  // Bytes taken off the socket so far (only when peeking is impossible).
  let taken: Buffer | undefined;
  let want = TLS_DETECT_INITIAL_BYTES;
  let minBytes = 1;
  for (;;) {
    const already = taken?.length ?? 0;
    const result = await peekFirstBytes(
      socket,
      Math.max(1, want - already),
      Math.max(0, deadline - performance.now()),
      { minBytes: Math.max(1, minBytes - already) },
    );
    if (result.kind === 'eof')
      return taken === undefined ? result : notTls('connection closed inside the ClientHello', taken, taken);
    if (result.kind === 'error') return result;
    if (result.consumed !== undefined)
      taken = taken === undefined ? result.consumed : Buffer.concat([taken, result.consumed]);
    if (result.kind === 'timeout') return { kind: 'timeout', consumed: taken };
    const bytes = taken ?? result.bytes;
    const hello = parseClientHello(bytes, TLS_DETECT_MAX_BYTES);
    if (hello.kind === 'client-hello')
      return { kind: 'client-hello', sni: hello.sni, alpn: hello.alpn, consumed: taken };
    if (hello.kind === 'not-tls') return notTls(hello.reason, bytes, taken);
    if (result.peerClosed) return notTls('connection closed inside the ClientHello', bytes, taken);
    want = hello.needed;
    minBytes = hello.needed;
  }
}

function notTls(reason: string, bytes: Buffer, consumed: Buffer | undefined): ClientHelloDetection {
  return { kind: 'not-tls', reason, bytes, consumed };
}
