import type { TapEnd, TapHub, TapRequest, TapStreamObserver } from '@skein/tap/hub';
import { ForwardingHandler } from '../http/forwarding-handler.js';
import { getHeader } from '../http/headers.js';
import type {
  Dispatcher,
  HeaderList,
  HttpRequest,
  Interceptor,
  ResponseHandler,
  ResponseHead,
} from '../http/types.js';

/**
 * The tap layer: when someone is tapping (`hub.active`), each request head is offered to the tap
 * observers and the ones that follow it get the response head and the end of the stream. When
 * nobody taps, a request costs one field read here.
 */
export function tapInterceptor(hub: TapHub, direction: 'inbound' | 'outbound'): Interceptor {
  return (next: Dispatcher): Dispatcher => ({
    dispatch(request: HttpRequest, handler: ResponseHandler): void {
      if (!hub.active) {
        next.dispatch(request, handler);
        return;
      }
      const tap = tapRequest(request, direction);
      const streams = hub.request(tap);
      if (streams === undefined) {
        next.dispatch(request, handler);
        return;
      }
      request.tap = tap;
      request.tapEndpoint = () => {
        for (const s of streams) s.onEndpoint?.();
      };
      next.dispatch(request, new TappedExchange(handler, tap, streams));
    },
  });
}

function tapRequest(request: HttpRequest, direction: 'inbound' | 'outbound'): TapRequest {
  const c = request.connection;
  const local = c.originalDst ?? c.local;
  const tls = c.tls;
  return {
    id: { base: c.id, stream: request.stream ?? 0 },
    direction,
    source: c.remote,
    destination: local,
    method: request.method,
    scheme: request.scheme,
    authority: request.authority,
    path: request.path,
    headers: request.headers.slice(),
    tls:
      tls.kind === 'mtls' && tls.clientId !== undefined
        ? 'true'
        : tls.kind === 'none'
          ? 'no_identity'
          : tls.kind,
    sourceLabels: tls.kind === 'mtls' && tls.clientId !== undefined ? { client_id: tls.clientId } : {},
    destinationLabels: {},
    routeLabels: {},
    startedAt: request.receivedAt,
  };
}

/** Reports the response of a tapped request to the observers following it. */
class TappedExchange extends ForwardingHandler {
  readonly #tap: TapRequest;
  readonly #streams: TapStreamObserver[];
  #responseAt = -1;
  #bytes = 0;
  #grpcStatus: number | undefined;
  #trailers: HeaderList | null = null;
  #resetCode: number | undefined;

  constructor(inner: ResponseHandler, tap: TapRequest, streams: TapStreamObserver[]) {
    super(inner);
    this.#tap = tap;
    this.#streams = streams;
  }

  override onHead(head: ResponseHead): void {
    const now = performance.now();
    this.#responseAt = now;
    const grpc = getHeader(head.headers, 'grpc-status');
    if (grpc !== undefined) this.#grpcStatus = Number(grpc);
    const response = {
      status: head.status,
      headers: head.headers.slice(),
      sinceRequestMs: now - this.#tap.startedAt,
    };
    for (const s of this.#streams) s.onResponse(response);
    super.onHead(head);
  }

  override onData(chunk: Buffer): boolean {
    this.#bytes += chunk.length;
    return super.onData(chunk);
  }

  override onEnd(trailers: HeaderList | null): void {
    if (trailers !== null) {
      this.#trailers = trailers;
      const grpc = getHeader(trailers, 'grpc-status');
      if (grpc !== undefined) this.#grpcStatus = Number(grpc);
    }
    super.onEnd(trailers);
  }

  override onError(error: Error): void {
    // Reported as a reset: the stream did not end cleanly (INTERNAL_ERROR).
    this.#resetCode = 2;
    super.onError(error);
  }

  protected finish(): void {
    const now = performance.now();
    const sinceRequestMs = now - this.#tap.startedAt;
    const end: TapEnd = {
      sinceRequestMs,
      sinceResponseMs: this.#responseAt < 0 ? sinceRequestMs : now - this.#responseAt,
      responseBytes: this.#bytes,
      ...(this.#grpcStatus === undefined ? {} : { grpcStatus: this.#grpcStatus }),
      ...(this.#resetCode === undefined ? {} : { resetCode: this.#resetCode }),
      trailers: this.#trailers,
    };
    for (const s of this.#streams) s.onEnd(end);
  }
}
