import type { Duplex } from 'node:stream';
import type { FlowControl, HeaderList, Interceptor, ResponseHandler, ResponseHead } from '@skein/proxy';

/** Passes a response on, adding `server-timing` to its head. */
class TimedResponse implements ResponseHandler {
  readonly #inner: ResponseHandler;
  readonly #receivedAt: number;

  constructor(inner: ResponseHandler, receivedAt: number) {
    this.#inner = inner;
    this.#receivedAt = receivedAt;
  }

  onStart(control: FlowControl): void {
    this.#inner.onStart(control);
  }

  onInformational(status: number, headers: HeaderList): void {
    this.#inner.onInformational?.(status, headers);
  }

  onHead(head: ResponseHead): void {
    const ms = performance.now() - this.#receivedAt;
    head.headers.push('server-timing', `skein-proxy;dur=${ms.toFixed(1)}`);
    this.#inner.onHead(head);
  }

  onData(chunk: Buffer): boolean {
    return this.#inner.onData(chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    this.#inner.onEnd(trailers);
  }

  onError(error: Error): void {
    this.#inner.onError(error);
  }

  onUpgrade(head: ResponseHead, socket: Duplex, rest: Buffer): void {
    if (this.#inner.onUpgrade === undefined) {
      socket.destroy();
      this.#inner.onError(new Error('protocol upgrade not supported here'));
      return;
    }
    this.#inner.onUpgrade(head, socket, rest);
  }
}

/**
 * Adds `server-timing: skein-proxy;dur=<ms>` to responses: the time from the request head
 * reaching the proxy to the response head leaving it (browsers show it in their dev tools).
 */
export function serverTiming(): Interceptor {
  return (next) => ({
    dispatch(request, handler) {
      next.dispatch(request, new TimedResponse(handler, request.receivedAt));
    },
  });
}
