import { type ClientReadableStream, status as Status, type StatusObject } from '@grpc/grpc-js';
import type { Logger } from '@skein/core';
import { Observable, type Subscriber } from 'rxjs';
import { type BackoffOptions, ExponentialBackoff } from '../backoff.js';

/** What to do after a stream ended. */
export type StreamEnd = 'reconnect' | 'stop';

/** How {@link resilientStream} turns one server stream into an Observable. */
export interface ResilientStreamOptions<M, T> {
  /** Opens a new call. */
  readonly open: () => ClientReadableStream<M>;
  /** Handles a message; `fresh` is true for the first message of each call (the stale state may go). */
  readonly onMessage: (message: M, fresh: boolean, out: Subscriber<T>) => void;
  /** Handles the end of a call (non-OK or OK status) and says whether to call again. */
  readonly onEnd: (status: StatusObject, out: Subscriber<T>) => StreamEnd;
  /** Delays between calls. */
  readonly backoff?: BackoffOptions;
  /** Logs reconnects. */
  readonly logger: Logger;
  /** Names the stream in logs. */
  readonly what: string;
}

/**
 * A long-lived server stream as a cold Observable: each subscription opens a call, re-opens it
 * with backoff whenever it ends (unless `onEnd` says stop), and cancels it on unsubscribe. The
 * backoff restarts once a message arrives.
 */
export function resilientStream<M, T>(options: ResilientStreamOptions<M, T>): Observable<T> {
  return new Observable<T>((out) => {
    const backoff = new ExponentialBackoff(options.backoff);
    let call: ClientReadableStream<M> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const connect = () => {
      timer = undefined;
      if (closed) return;
      let fresh = true;
      const current = options.open();
      call = current;
      current.on('data', (message: M) => {
        if (closed || call !== current) return;
        backoff.reset();
        const first = fresh;
        fresh = false;
        try {
          options.onMessage(message, first, out);
        } catch (err) {
          // A message the client cannot use is skipped; the stream and the last state stay.
          options.logger.warn(
            { what: options.what, err: (err as Error).message },
            'destination sent a message that could not be used; skipped',
          );
        }
      });
      // Errors are reported again, with the status, through 'status'.
      current.on('error', () => {});
      current.on('status', (status: StatusObject) => {
        if (closed || call !== current) return;
        call = undefined;
        const next = options.onEnd(status, out);
        if (next === 'stop' || closed) return;
        const delay = backoff.next();
        options.logger.debug(
          {
            what: options.what,
            code: Status[status.code],
            details: status.details,
            retryInMs: Math.round(delay),
          },
          'destination stream ended; reconnecting',
        );
        timer = setTimeout(connect, delay);
        timer.unref();
      });
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      const c = call;
      call = undefined;
      c?.cancel();
    };
  });
}
