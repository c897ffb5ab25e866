/** The outcome of {@link sendHeartbeat}: never an exception. */
export type HeartbeatDelivery =
  | { readonly ok: true; readonly status: number; readonly url: string }
  | { readonly ok: false; readonly status?: number; readonly error: string; readonly url: string };

/**
 * Sends the report as Linkerd's heartbeat does: `GET <url>?<params>`. Resolves with the outcome
 * and never rejects, so an unreachable or failing endpoint cannot block or crash the caller;
 * `timeoutMs` (default 10 s) bounds the whole request.
 */
export async function sendHeartbeat(
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
  options: { timeoutMs?: number } = {},
): Promise<HeartbeatDelivery> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, error: `invalid heartbeat URL ${JSON.stringify(url)}`, url };
  }
  for (const [k, v] of params) target.searchParams.append(k, v);
  const href = target.toString();
  try {
    const res = await fetch(href, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    await res.arrayBuffer();
    return res.ok
      ? { ok: true, status: res.status, url: href }
      : { ok: false, status: res.status, error: `HTTP ${res.status} ${res.statusText}`.trim(), url: href };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    return {
      ok: false,
      error: `${(err as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable'}: ${reason}`,
      url: href,
    };
  }
}
