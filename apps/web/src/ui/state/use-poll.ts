import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiFailure } from '../api/api-client.js';

/** What a polled query shows: the latest data (kept while later polls fail) and the latest failure. */
export interface PollState<T> {
  readonly data: T | undefined;
  readonly failure: ApiFailure | undefined;
  /** When `data` was fetched, ms since the epoch. */
  readonly updatedAt: number | undefined;
}

/**
 * Runs `fetcher` now and every `intervalMs` while the page is visible, never two at once; a new
 * `key` starts over; a null `key` polls nothing. Failures keep the last data, so a page goes
 * stale instead of blank.
 */
export function usePoll<T>(
  key: string | null,
  fetcher: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
): PollState<T> {
  const [state, setState] = useState<PollState<T>>({
    data: undefined,
    failure: undefined,
    updatedAt: undefined,
  });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    setState({ data: undefined, failure: undefined, updatedAt: undefined });
    if (key === null) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      timer = undefined;
      if (document.visibilityState === 'hidden') {
        timer = setTimeout(run, intervalMs);
        return;
      }
      try {
        const data = await fetcherRef.current(abort.signal);
        if (abort.signal.aborted) return;
        setState({ data, failure: undefined, updatedAt: Date.now() });
      } catch (err) {
        if (abort.signal.aborted) return;
        const failure: ApiFailure =
          err instanceof ApiError
            ? err.failure
            : { kind: 'dashboard-unreachable', message: (err as Error).message };
        setState((s) => ({ ...s, failure }));
      }
      if (!abort.signal.aborted) timer = setTimeout(run, intervalMs);
    };
    void run();
    const onVisible = () => {
      if (document.visibilityState === 'visible' && timer !== undefined) {
        clearTimeout(timer);
        void run();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      abort.abort();
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, intervalMs]);

  return state;
}
