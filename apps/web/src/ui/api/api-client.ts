import { NdjsonDecoder } from './ndjson.js';

/** Why a request to the dashboard's API failed, in terms the page can explain. */
export type ApiFailure =
  /** skein-web answered, but the controller behind it did not. */
  | { readonly kind: 'controller-unreachable'; readonly message: string; readonly controller: string }
  /** skein-web itself did not answer (stopped, network gone). */
  | { readonly kind: 'dashboard-unreachable'; readonly message: string }
  /** The controller refused the request (bad parameter, unknown resource, metrics backend down). */
  | { readonly kind: 'api'; readonly status: number; readonly code: string; readonly message: string };

/** A failed API request. */
export class ApiError extends Error {
  readonly failure: ApiFailure;

  constructor(failure: ApiFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; controller?: string };
}

async function failureOf(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // not JSON: keep the status
  }
  const e = body.error;
  if (e?.code === 'ERR_SKEIN_WEB_CONTROLLER_UNREACHABLE') {
    return new ApiError({
      kind: 'controller-unreachable',
      message: e.message ?? 'the controller did not answer',
      controller: e.controller ?? '',
    });
  }
  return new ApiError({
    kind: 'api',
    status: res.status,
    code: e?.code ?? `HTTP_${res.status}`,
    message: e?.message ?? `the dashboard answered HTTP ${res.status} ${res.statusText}`,
  });
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    // Relative: the page works under any path prefix (kubectl proxy, an ingress).
    res = await fetch(path, { ...init, cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({
      kind: 'dashboard-unreachable',
      message: `no answer from the dashboard server at ${window.location.origin} (${(err as Error).message})`,
    });
  }
  if (!res.ok) throw await failureOf(res);
  return res;
}

/** GETs `path` (relative, `api/stat`) with query parameters and parses the JSON answer. */
export async function getJson<T>(
  path: string,
  params: Readonly<Record<string, string | undefined>> = {},
  signal?: AbortSignal,
): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const query = q.toString();
  const res = await send(query === '' ? path : `${path}?${query}`, {
    headers: { accept: 'application/json' },
    ...(signal === undefined ? {} : { signal }),
  });
  return (await res.json()) as T;
}

/**
 * POSTs `body` as JSON and hands each NDJSON value of the streamed answer to `onValue` until the
 * stream ends or `signal` aborts (which resolves normally). An `{"error": …}` line rejects.
 */
export async function postNdjson(
  path: string,
  body: unknown,
  onValue: (value: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await send(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
    body: JSON.stringify(body),
    signal,
  });
  if (res.body === null) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const decoder = new NdjsonDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const v of decoder.push(value).values) {
        const err = (v as ErrorBody).error;
        if (err?.message !== undefined)
          throw new ApiError({ kind: 'api', status: 200, code: err.code ?? 'STREAM', message: err.message });
        onValue(v);
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    if (err instanceof ApiError) throw err;
    throw new ApiError({
      kind: 'dashboard-unreachable',
      message: `the tap stream broke off: ${(err as Error).message}`,
    });
  } finally {
    reader.releaseLock();
  }
}
