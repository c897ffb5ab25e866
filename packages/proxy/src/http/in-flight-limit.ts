import { LoadShedError } from '@skein/core';
import { failExchange } from './fail.js';
import { ForwardingHandler } from './forwarding-handler.js';
import type { Dispatcher, Interceptor, ResponseHandler } from './types.js';

/** Counts one exchange out when it ends. */
class InFlightExchange extends ForwardingHandler {
  readonly #limit: InFlight;

  constructor(inner: ResponseHandler, limit: InFlight) {
    super(inner);
    this.#limit = limit;
  }

  protected finish(): void {
    this.#limit.count--;
  }
}

interface InFlight {
  count: number;
}

/**
 * `LINKERD2_PROXY_{INBOUND,OUTBOUND}_MAX_IN_FLIGHT`: at most `max` requests of a direction in
 * flight at once; more are shed at once with a 503 (`loadshed`), as linkerd2-proxy's
 * concurrency limit does, rather than queued without bound.
 */
export function inFlightLimit(max: number): Interceptor {
  const state: InFlight = { count: 0 };
  return (next: Dispatcher): Dispatcher => ({
    dispatch(request, handler) {
      if (state.count >= max) {
        failExchange(handler, new LoadShedError(`${max} requests already in flight: request shed`));
        return;
      }
      state.count++;
      next.dispatch(request, new InFlightExchange(handler, state));
    },
  });
}
