import type { Duplex } from 'node:stream';
import type { FlowControl, HeaderList, ResponseHandler, ResponseHead } from './types.js';

/**
 * A response handler that passes everything to an inner handler and calls {@link finish} once
 * when the exchange ends (end, error or upgrade). Subclasses override the hooks they need.
 */
export abstract class ForwardingHandler implements ResponseHandler {
  /** The wrapped handler. */
  readonly inner: ResponseHandler;
  #finished = false;

  constructor(inner: ResponseHandler) {
    this.inner = inner;
  }

  /** Called exactly once when the exchange ends, before the inner handler hears of it. */
  protected abstract finish(): void;

  /** Stops {@link finish} from running (the exchange is being handed elsewhere). */
  protected cancelFinish(): void {
    this.#finished = true;
  }

  #finishOnce(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.finish();
  }

  onStart(control: FlowControl): void {
    this.inner.onStart(control);
  }

  onInformational(status: number, headers: HeaderList): void {
    this.inner.onInformational?.(status, headers);
  }

  onHead(head: ResponseHead): void {
    this.inner.onHead(head);
  }

  onData(chunk: Buffer): boolean {
    return this.inner.onData(chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    this.#finishOnce();
    this.inner.onEnd(trailers);
  }

  onError(error: Error): void {
    this.#finishOnce();
    this.inner.onError(error);
  }

  onUpgrade(head: ResponseHead, socket: Duplex, rest: Buffer): void {
    this.#finishOnce();
    if (this.inner.onUpgrade === undefined) {
      socket.destroy();
      this.inner.onError(new Error('protocol upgrade not supported on this path'));
      return;
    }
    this.inner.onUpgrade(head, socket, rest);
  }
}
