import { TimeoutError } from '../errors/errors.js';
import type { Layer, Service } from './service.js';

/** Options for {@link timeout}. */
export interface TimeoutOptions<Req> {
  /** Called when the deadline passes first, so the caller can cancel the inner work. */
  onTimeout?: (req: Req) => void;
  /** What timed out, used in the error message (default `"request"`). */
  what?: string;
}

/**
 * Fails a request with {@link TimeoutError} when the inner service has not settled within
 * `ms` milliseconds. A late result is dropped. `ms <= 0` or `Infinity` disables the layer.
 */
export function timeout<Req, Res>(ms: number, options: TimeoutOptions<Req> = {}): Layer<Req, Res> {
  return (inner: Service<Req, Res>): Service<Req, Res> => {
    if (!(ms > 0) || !Number.isFinite(ms)) return inner;
    const what = options.what ?? 'request';
    const onTimeout = options.onTimeout;
    return (req) =>
      new Promise<Res>((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => {
          if (done) return;
          done = true;
          onTimeout?.(req);
          reject(new TimeoutError(ms, what));
        }, ms);
        inner(req).then(
          (res) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            resolve(res);
          },
          (err: unknown) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            reject(err);
          },
        );
      });
  };
}
