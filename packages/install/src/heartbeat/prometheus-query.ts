import { InstallError, InstallErrorCode } from '../errors.js';

/** Options of {@link queryPrometheus}. */
export interface PrometheusQueryOptions {
  /** Give up after this long (ms). Default: 10 000. */
  readonly timeoutMs?: number;
  /** Evaluation time (ms since the epoch). Default: the server's now. */
  readonly time?: number;
}

/** One sample of an instant query: its labels and value. */
export interface PrometheusSample {
  /** Series labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The value (NaN and ±Inf as Prometheus sends them). */
  readonly value: number;
}

interface QueryResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * Runs an instant PromQL query (`GET /api/v1/query`) and returns the samples of a vector or
 * the value of a scalar.
 *
 * @throws {InstallError} (`ERR_SKEIN_INSTALL_HEARTBEAT`) naming the query and what went wrong
 *   (unreachable, HTTP status, Prometheus error, unexpected result type).
 */
export async function queryPrometheus(
  baseUrl: string,
  query: string,
  options: PrometheusQueryOptions = {},
): Promise<PrometheusSample[]> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', query);
  if (options.time !== undefined) url.searchParams.set('time', String(options.time / 1000));
  const fail = (why: string, cause?: unknown) =>
    new InstallError(
      InstallErrorCode.Heartbeat,
      `Prometheus query ${JSON.stringify(query)} at ${baseUrl}: ${why}`,
      {
        cause,
      },
    );
  let body: QueryResponse;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    body = (await res.json()) as QueryResponse;
    if (!res.ok || body.status !== 'success')
      throw fail(`HTTP ${res.status}: ${body.error ?? 'no error message'}`);
  } catch (err) {
    if (err instanceof InstallError) throw err;
    throw fail((err as Error).message, err);
  }
  const { resultType, result } = body.data ?? {};
  if (resultType === 'scalar') return [{ labels: {}, value: Number((result as [number, string])[1]) }];
  if (resultType === 'vector') {
    return (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({
      labels: s.metric,
      value: Number(s.value[1]),
    }));
  }
  throw fail(`expected a vector or scalar result, got ${resultType ?? 'nothing'}`);
}
