import { LoadShedError } from '../errors/errors.js';
import type { Layer, Service } from './service.js';

/** Observable state of a {@link concurrencyLimit} layer. */
export interface ConcurrencyGauge {
  /** Requests currently in flight. */
  readonly inFlight: number;
  /** Requests refused since creation. */
  readonly shed: number;
}

/**
 * Limits the requests in flight through the inner service. A request over the limit is not
 * queued: it fails at once with {@link LoadShedError} (load shedding, HTTP 503), as
 * linkerd2-proxy's `MAX_IN_FLIGHT` does.
 *
 * @param max - the most requests allowed in flight at once (at least 1).
 * @param gauge - optional object updated with the current counts, for metrics.
 */
export function concurrencyLimit<Req, Res>(
  max: number,
  gauge?: { inFlight: number; shed: number },
): Layer<Req, Res> {
  if (!(max >= 1)) throw new RangeError(`concurrency limit must be at least 1, got ${max}`);
  const state = gauge ?? { inFlight: 0, shed: 0 };
  return (inner: Service<Req, Res>): Service<Req, Res> => {
    const release = () => {
      state.inFlight--;
    };
    return (req) => {
      if (state.inFlight >= max) {
        state.shed++;
        return Promise.reject(new LoadShedError(`too many requests in flight (limit ${max})`));
      }
      state.inFlight++;
      let p: Promise<Res>;
      try {
        p = inner(req);
      } catch (err) {
        release();
        return Promise.reject(err);
      }
      p.then(release, release);
      return p;
    };
  };
}
