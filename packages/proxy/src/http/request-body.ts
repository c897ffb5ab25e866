import type { HeaderList } from './types.js';

/** Where a request body goes: an upstream connection or stream. */
export interface BodySink {
  /** A chunk of body data; returning false pauses the producer until `RequestBody.resume()`. */
  onData(chunk: Buffer): boolean;
  /** The body is complete (with HTTP/1 chunked or HTTP/2 trailers, if any). */
  onEnd(trailers: HeaderList | null): void;
  /** The body failed (the client went away or sent bad framing). */
  onError(error: Error): void;
}

/** The producer of a request body (the client connection or stream). */
export interface BodySource {
  /** Stop reading from the client. */
  pause(): void;
  /** Read from the client again. */
  resume(): void;
}

const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

/**
 * A streaming request body between the client side and the upstream side. Data that arrives
 * before the upstream is ready (e.g. while the request waits in a balancer queue) is buffered up
 * to a high-water mark, after which the client is paused. A body may also be retained (up to a
 * limit, 64 KiB for retries in Linkerd) so that it can be replayed.
 */
export class RequestBody {
  readonly #source: BodySource;
  readonly #highWaterMark: number;
  #sink: BodySink | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #ended = false;
  #trailers: HeaderList | null = null;
  #error: Error | undefined;
  #paused = false;
  #retained: Buffer[] | undefined;
  #retainedBytes = 0;
  #retainLimit = 0;
  #retainOverflow = false;
  #received = 0;

  constructor(source: BodySource, highWaterMark = DEFAULT_HIGH_WATER_MARK) {
    this.#source = source;
    this.#highWaterMark = highWaterMark;
  }

  /** Bytes received from the client so far. */
  get received(): number {
    return this.#received;
  }

  /** Whether the whole body has been received. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Producer: a chunk arrived from the client. */
  push(chunk: Buffer): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#received += chunk.length;
    if (this.#retained !== undefined) this.#retain(chunk);
    const sink = this.#sink;
    if (sink !== undefined) {
      if (!sink.onData(chunk)) this.#pause();
      return;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= this.#highWaterMark) this.#pause();
  }

  /** Producer: the body is complete. */
  end(trailers: HeaderList | null): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#ended = true;
    this.#trailers = trailers;
    this.#sink?.onEnd(trailers);
  }

  /** Producer: the body failed. */
  fail(error: Error): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#error = error;
    this.#sink?.onError(error);
  }

  /** Consumer: start receiving the body; buffered data is delivered at once. */
  attach(sink: BodySink): void {
    this.#sink = sink;
    const pending = this.#pending;
    if (pending.length > 0) {
      this.#pending = [];
      this.#pendingBytes = 0;
      let flowing = true;
      for (const chunk of pending) flowing = sink.onData(chunk) && flowing;
      if (!flowing) {
        this.#pause();
      } else if (this.#paused) {
        this.resume();
      }
    }
    if (this.#error !== undefined) sink.onError(this.#error);
    else if (this.#ended) sink.onEnd(this.#trailers);
  }

  /** Consumer: stop receiving; later data is buffered again (bounded). */
  detach(): void {
    this.#sink = undefined;
  }

  /** Consumer: the sink drained after returning false from `onData`. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#source.resume();
  }

  /**
   * Starts keeping a copy of the body (up to `limit` bytes) so it can be replayed. Returns false
   * when data already delivered cannot be retained (retain must start before the first chunk).
   */
  retain(limit: number): boolean {
    if (this.#received !== this.#pendingBytes) return false;
    this.#retained = [...this.#pending];
    this.#retainedBytes = this.#pendingBytes;
    this.#retainLimit = limit;
    this.#retainOverflow = this.#retainedBytes > limit;
    return !this.#retainOverflow;
  }

  /** Whether the retained copy is complete and within its limit, so {@link replay} works. */
  get replayable(): boolean {
    return this.#retained !== undefined && !this.#retainOverflow && this.#error === undefined;
  }

  /**
   * A new body that delivers the retained bytes again (and, if the original is still arriving,
   * the rest as it arrives). Returns `undefined` when the body is not replayable.
   */
  replay(): RequestBody | undefined {
    if (!this.replayable) return undefined;
    const copy = new RequestBody(this.#source, this.#highWaterMark);
    for (const chunk of this.#retained!) copy.push(chunk);
    if (this.#ended) {
      copy.end(this.#trailers);
    } else {
      // Forward the rest of the original body to the copy as it arrives.
      this.attach({
        onData: (chunk) => {
          copy.push(chunk);
          return true;
        },
        onEnd: (trailers) => copy.end(trailers),
        onError: (error) => copy.fail(error),
      });
    }
    return copy;
  }

  #retain(chunk: Buffer): void {
    if (this.#retainOverflow) return;
    this.#retainedBytes += chunk.length;
    if (this.#retainedBytes > this.#retainLimit) {
      this.#retainOverflow = true;
      this.#retained = [];
      return;
    }
    this.#retained!.push(chunk);
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#source.pause();
  }
}
