import { getJson } from '../api/api-client.js';
import type { EdgeRow, RouteRow, StatRow } from '../api/api-types.js';
import { useDashboard } from './dashboard-context.js';
import { historyKey } from './metric-history.js';
import { type PollState, usePoll } from './use-poll.js';

/** `GET /api/stat`. */
export interface StatAnswer {
  readonly windowMs: number;
  readonly rows: readonly StatRow[];
}

/** `GET /api/edges`. */
export interface EdgesAnswer {
  readonly windowMs: number;
  readonly rows: readonly EdgeRow[];
}

/** `GET /api/routes`. */
export interface RoutesAnswer {
  readonly windowMs: number;
  readonly rows: readonly RouteRow[];
}

type Params = Readonly<Record<string, string | undefined>>;

/**
 * Polls `GET /api/stat` with the dashboard's window. When `record` is set (the rows are the
 * resources themselves, not traffic between two), each answer is added to the metric history.
 * Null `params` polls nothing.
 */
export function useStat(params: Params | null, record = false): PollState<StatAnswer> {
  const { window, intervalMs, history } = useDashboard();
  return usePoll(
    params === null ? null : `stat ${JSON.stringify(params)} ${window}`,
    async (signal) => {
      const answer = await getJson<StatAnswer>('api/stat', { ...params, window }, signal);
      if (record) {
        const now = Date.now();
        for (const row of answer.rows) {
          const r = row.resource;
          history.record(historyKey(r.kind, r.namespace, r.name), now, row.stats);
        }
      }
      return answer;
    },
    intervalMs,
  );
}

/** Polls `GET /api/edges` for a kind in a namespace (a null kind polls nothing). */
export function useEdges(kind: string | null, namespace: string): PollState<EdgesAnswer> {
  const { window, intervalMs } = useDashboard();
  return usePoll(
    kind === null ? null : `edges ${kind} ${namespace} ${window}`,
    (signal) => getJson<EdgesAnswer>('api/edges', { kind: kind ?? '', namespace, window }, signal),
    intervalMs,
  );
}

/** Polls `GET /api/routes` of a resource. */
export function useRoutes(kind: string, namespace: string, name: string): PollState<RoutesAnswer> {
  const { window, intervalMs } = useDashboard();
  return usePoll(
    `routes ${kind} ${namespace} ${name} ${window}`,
    (signal) => getJson<RoutesAnswer>('api/routes', { kind, namespace, name, window }, signal),
    intervalMs,
  );
}

/** The first failure among polled queries, and whether any of them has data. */
export function firstFailure(...states: readonly PollState<unknown>[]): {
  failure: PollState<unknown>['failure'];
  stale: boolean;
} {
  const failed = states.find((s) => s.failure !== undefined);
  return { failure: failed?.failure, stale: states.some((s) => s.data !== undefined) };
}
