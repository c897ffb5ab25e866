import { classifyResponse, type HttpTargetMetrics, type Picked } from '@skein/core';
import { mapError } from '../errors/synthesize.js';
import { getHeader } from '../http/headers.js';
import type { FlowControl, HeaderList, HttpRequest, ResponseHandler, ResponseHead } from '../http/types.js';

/**
 * Wraps the handler of one request sent to one endpoint: it reports the endpoint's load to the
 * balancer when the response begins (or fails), and records `response_total` /
 * `response_latency_ms` for the endpoint when the response ends. Latency runs from the request
 * head to the first response body frame, as Linkerd measures it.
 */
export class MeteredExchange implements ResponseHandler {
  readonly #inner: ResponseHandler;
  readonly #request: HttpRequest;
  readonly #metrics: HttpTargetMetrics | undefined;
  readonly #picked: Picked<unknown> | undefined;
  #status = 0;
  #grpcStatus: number | undefined;
  #latencyMs = -1;

  constructor(
    inner: ResponseHandler,
    request: HttpRequest,
    metrics: HttpTargetMetrics | undefined,
    picked: Picked<unknown> | undefined,
  ) {
    this.#inner = inner;
    this.#request = request;
    this.#metrics = metrics;
    this.#picked = picked;
    metrics?.requests.inc();
  }

  onStart(control: FlowControl): void {
    this.#inner.onStart(control);
  }

  onInformational(status: number, headers: HeaderList): void {
    this.#inner.onInformational?.(status, headers);
  }

  onHead(head: ResponseHead): void {
    this.#picked?.done(true);
    this.#status = head.status;
    if (this.#request.grpc) {
      const s = getHeader(head.headers, 'grpc-status');
      if (s !== undefined) this.#grpcStatus = Number(s);
    }
    if (!head.hasBody) this.#latencyMs = performance.now() - this.#request.receivedAt;
    this.#inner.onHead(head);
  }

  onData(chunk: Buffer): boolean {
    if (this.#latencyMs < 0) this.#latencyMs = performance.now() - this.#request.receivedAt;
    return this.#inner.onData(chunk);
  }

  onEnd(trailers: HeaderList | null): void {
    const metrics = this.#metrics;
    if (metrics !== undefined) {
      if (this.#latencyMs < 0) this.#latencyMs = performance.now() - this.#request.receivedAt;
      if (trailers !== null && this.#request.grpc) {
        const s = getHeader(trailers, 'grpc-status');
        if (s !== undefined) this.#grpcStatus = Number(s);
      }
      const grpc = this.#request.grpc;
      const classification = classifyResponse({ status: this.#status, grpc, grpcStatus: this.#grpcStatus });
      metrics.recordResponse(
        this.#status,
        classification,
        this.#latencyMs,
        grpc ? (this.#grpcStatus ?? 2) : undefined,
      );
    }
    this.#inner.onEnd(trailers);
  }

  onError(error: Error): void {
    if (this.#status === 0) this.#picked?.done(false);
    const metrics = this.#metrics;
    if (metrics !== undefined) {
      const latency = this.#latencyMs < 0 ? performance.now() - this.#request.receivedAt : this.#latencyMs;
      const status = this.#status === 0 ? mapError(error).status : this.#status;
      metrics.recordResponse(status, 'failure', latency, undefined, errorKind(error));
    }
    this.#inner.onError(error);
  }

  onUpgrade(head: ResponseHead, socket: import('node:stream').Duplex, rest: Buffer): void {
    this.#picked?.done(true);
    this.#metrics?.recordResponse(head.status, 'success', performance.now() - this.#request.receivedAt);
    if (this.#inner.onUpgrade === undefined) {
      socket.destroy();
      this.#inner.onError(new Error('upgrade not supported'));
      return;
    }
    this.#inner.onUpgrade(head, socket, rest);
  }
}

/** The `error` label for a failed exchange. */
function errorKind(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code.replace(/^ERR_SKEIN_/, '').toLowerCase() : 'unexpected';
}
