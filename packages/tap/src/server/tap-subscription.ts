import type { TapEnd, TapObserver, TapRequest, TapResponse, TapStreamObserver } from '../hub/tap-events.js';
import {
  requestInitEvent,
  responseEndEvent,
  responseInitEvent,
  type TapEventMessage,
} from './tap-event-encoding.js';
import type { TapMatcher } from './tap-match.js';

/** Where a subscription writes events: a gRPC call, or anything with the same backpressure contract. */
export interface TapEventSink {
  /** Writes an event; returns false when the sink wants no more until it drains. */
  write(event: TapEventMessage): boolean;
}

/** Options of {@link TapSubscription}. */
export interface TapSubscriptionOptions {
  /** The compiled match tree. */
  readonly matcher: TapMatcher;
  /** How many requests to tap before finishing (`ObserveRequest.limit`). */
  readonly limit: number;
  /** Whether events carry headers and trailers (`Extract.http.headers`). */
  readonly headers: boolean;
  /** Where events go. */
  readonly sink: TapEventSink;
  /** Events buffered while the sink is backed up; past this, events are dropped. */
  readonly capacity: number;
  /** Called for each dropped event. */
  readonly onDrop: () => void;
  /** Called once the limit was reached and every tapped stream ended. */
  readonly onDone: () => void;
}

/**
 * One Observe call's view of a TapHub: matches requests against the tree, follows up to `limit`
 * of them, and writes their events to the sink through a bounded queue so that a slow client
 * never holds up the requests it watches — when the queue is full, events are dropped and
 * counted.
 *
 * Outbound requests learn their endpoint (destination address and labels) only once balanced,
 * so their `RequestInit` is written when the endpoint is known (`onEndpoint`) or, at the
 * latest, with the response head; a tree that looks at the destination is decided then too.
 */
export class TapSubscription implements TapObserver {
  readonly #o: TapSubscriptionOptions;
  readonly #queue: TapEventMessage[] = [];
  #taken = 0;
  #inflight = 0;
  #blocked = false;
  #finished = false;
  #cancelled = false;
  #doneWhenDrained = false;
  /** Events dropped because the client was too slow. */
  dropped = 0;

  constructor(options: TapSubscriptionOptions) {
    this.#o = options;
  }

  /** Whether the subscription still takes new requests. */
  get open(): boolean {
    return !this.#finished && !this.#cancelled && this.#taken < this.#o.limit;
  }

  onRequest(request: TapRequest): TapStreamObserver | undefined {
    if (!this.open) return undefined;
    const later = request.direction === 'outbound';
    if ((!later || !this.#o.matcher.needsEndpoint) && !this.#o.matcher.test(request)) return undefined;
    // The slot is taken now (so concurrent requests cannot overshoot the limit) and given back
    // if a deferred decision says no.
    this.#taken++;
    this.#inflight++;
    const followed = new FollowedRequest(this, request);
    if (!later) followed.decide();
    return followed;
  }

  /** Internal: the decision for a request whose slot was taken. */
  settle(request: TapRequest): boolean {
    if (this.#o.matcher.test(request)) {
      this.emit(requestInitEvent(request, this.#o.headers));
      return true;
    }
    this.#taken--;
    return false;
  }

  /** Internal: a followed request's response head. */
  response(request: TapRequest, response: TapResponse): void {
    this.emit(responseInitEvent(request, response, this.#o.headers));
  }

  /** Internal: a followed request ended. */
  end(request: TapRequest, end: TapEnd | undefined): void {
    if (end !== undefined) this.emit(responseEndEvent(request, end, this.#o.headers));
    this.#inflight--;
    if (this.#taken >= this.#o.limit && this.#inflight === 0) this.#finish();
  }

  /** The sink drained: write what was queued. */
  drain(): void {
    this.#blocked = false;
    while (this.#queue.length > 0 && !this.#blocked) {
      this.#blocked = !this.#o.sink.write(this.#queue.shift()!);
    }
    if (this.#queue.length === 0 && this.#doneWhenDrained) {
      this.#doneWhenDrained = false;
      this.#o.onDone();
    }
  }

  /** Stops taking requests (the client went away). */
  close(): void {
    this.#cancelled = true;
    this.#queue.length = 0;
  }

  #finish(): void {
    if (this.#finished || this.#cancelled) return;
    this.#finished = true;
    if (this.#queue.length === 0) this.#o.onDone();
    else this.#doneWhenDrained = true;
  }

  /** Internal: writes an event, queues it while the sink is backed up, or drops it when full. */
  emit(event: TapEventMessage): void {
    if (this.#cancelled) return;
    if (!this.#blocked && this.#queue.length === 0) {
      this.#blocked = !this.#o.sink.write(event);
      return;
    }
    if (this.#queue.length >= this.#o.capacity) {
      this.dropped++;
      this.#o.onDrop();
      return;
    }
    this.#queue.push(event);
  }
}

/** The events of one followed request, in order, whatever the decision timing. */
class FollowedRequest implements TapStreamObserver {
  readonly #sub: TapSubscription;
  readonly #request: TapRequest;
  #state: 'pending' | 'tapped' | 'ignored' = 'pending';

  constructor(sub: TapSubscription, request: TapRequest) {
    this.#sub = sub;
    this.#request = request;
  }

  decide(): void {
    if (this.#state === 'pending') this.#state = this.#sub.settle(this.#request) ? 'tapped' : 'ignored';
  }

  onEndpoint(): void {
    this.decide();
  }

  onResponse(response: TapResponse): void {
    this.decide();
    if (this.#state === 'tapped') this.#sub.response(this.#request, response);
  }

  onEnd(end: TapEnd): void {
    this.decide();
    this.#sub.end(this.#request, this.#state === 'tapped' ? end : undefined);
  }
}
