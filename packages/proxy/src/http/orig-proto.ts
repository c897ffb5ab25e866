import { ForwardingHandler } from './forwarding-handler.js';
import { getHeader, removeHeader, setHeader } from './headers.js';
import type { Dispatcher, HttpRequest, Interceptor, ResponseHandler, ResponseHead } from './types.js';

/** The header that carries an HTTP/1 request's original version across an HTTP/2 hop. */
export const ORIG_PROTO = 'l5d-orig-proto';

/**
 * Outbound: marks an HTTP/1 request that is about to travel over HTTP/2 to a meshed peer
 * (`l5d-orig-proto: HTTP/1.1`, with `; absolute-form` when the client used it), so the peer's
 * inbound proxy can restore it. Call only for requests going over HTTP/2.
 */
export function markOrigProto(request: HttpRequest): void {
  if (request.version === 20) return;
  const version = request.version === 10 ? 'HTTP/1.0' : 'HTTP/1.1';
  setHeader(request.headers, ORIG_PROTO, request.absoluteForm ? `${version}; absolute-form` : version);
}

/** Removes `l5d-orig-proto` from a response before it reaches an HTTP/1 client. */
export class OrigProtoResponse extends ForwardingHandler {
  protected finish(): void {}

  override onHead(head: ResponseHead): void {
    removeHeader(head.headers, ORIG_PROTO);
    super.onHead(head);
  }
}

/**
 * Inbound: an HTTP/2 request carrying `l5d-orig-proto` is turned back into the HTTP/1 request it
 * was (version, absolute-form), the header is removed so it never reaches the application, and
 * the response is marked for the peer to restore.
 */
export function origProtoDowngrade(): Interceptor {
  return (next: Dispatcher): Dispatcher => ({
    dispatch(request: HttpRequest, handler: ResponseHandler): void {
      // Only a verified mesh peer may ask for a downgrade; others' headers are stripped later.
      if (request.version !== 20 || request.connection.tls.kind !== 'mtls') {
        next.dispatch(request, handler);
        return;
      }
      const value = getHeader(request.headers, ORIG_PROTO);
      if (value === undefined) {
        next.dispatch(request, handler);
        return;
      }
      removeHeader(request.headers, ORIG_PROTO);
      const [version, form] = value.split(';').map((s) => s.trim());
      request.version = version === 'HTTP/1.0' ? 10 : 11;
      request.absoluteForm = form === 'absolute-form';
      next.dispatch(request, new MarkResponse(handler, value));
    },
  });
}

class MarkResponse extends ForwardingHandler {
  readonly #value: string;

  constructor(inner: ResponseHandler, value: string) {
    super(inner);
    this.#value = value;
  }

  protected finish(): void {}

  override onHead(head: ResponseHead): void {
    head.headers.push(ORIG_PROTO, this.#value);
    super.onHead(head);
  }
}
