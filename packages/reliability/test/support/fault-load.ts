import { Client, Pool } from 'undici';

/** Options of {@link FixedRateLoad}. */
export interface FixedRateLoadOptions {
  /** Where requests go, e.g. the proxy's outbound listener `http://127.0.0.1:4140`. */
  origin: string;
  /** The `Host` header: the logical service the proxy resolves. */
  host: string;
  /** Request path (default `/`). */
  path?: string;
  /** Requests per second, issued on schedule whatever the responses do (open loop). */
  rate: number;
  /** Client connections to the origin (default 32). */
  connections?: number;
  /** Give up on a response after this long (ms); default 30 s. */
  timeoutMs?: number;
}

/** How one request ended. */
export interface Outcome {
  /** Sequence number, also sent as `x-request-id`. */
  readonly id: number;
  /** When it was issued (`performance.now()`). */
  readonly sentAt: number;
  /** When it settled. */
  doneAt: number;
  /** The HTTP status, when a response came. */
  status?: number;
  /** The `x-backend` header: which backend answered. */
  backend?: string;
  /** The `l5d-proxy-error` header of a synthesized response. */
  proxyError?: string;
  /** The client-side error code or message, when no response came. */
  error?: string;
}

/** What a run did, for assertions and the reliability record. */
export interface LoadReport {
  /** Requests issued. */
  readonly total: number;
  /** 2xx responses. */
  readonly ok: number;
  /** Everything else (non-2xx or no response). */
  readonly failed: number;
  /** Every request's outcome, in issue order. */
  readonly outcomes: readonly Outcome[];
  /** Responses by status code, and client errors by code. */
  readonly statuses: Record<string, number>;
  /** Successful responses by answering backend. */
  readonly byBackend: Record<string, number>;
  /** How long the run issued requests (ms). */
  readonly durationMs: number;
  /** Requests completed per second over the run. */
  readonly achievedRps: number;
  /** Latency percentiles of the successful requests (ms). */
  readonly latency: { p50: number; p99: number; max: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Summarizes outcomes. */
export function summarize(outcomes: readonly Outcome[], durationMs: number): LoadReport {
  const statuses: Record<string, number> = {};
  const byBackend: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  for (const o of outcomes) {
    const key = o.status === undefined ? (o.error ?? 'pending') : String(o.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (o.status !== undefined && o.status >= 200 && o.status < 300) {
      ok++;
      latencies.push(o.doneAt - o.sentAt);
      if (o.backend !== undefined) byBackend[o.backend] = (byBackend[o.backend] ?? 0) + 1;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    total: outcomes.length,
    ok,
    failed: outcomes.length - ok,
    outcomes,
    statuses,
    byBackend,
    durationMs,
    achievedRps: durationMs > 0 ? (outcomes.length * 1000) / durationMs : 0,
    latency: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    },
  };
}

/**
 * An open-loop load generator: issues `rate` requests per second on schedule (catching up after
 * a late timer, so the count never depends on how fast responses come) over a pool of keep-alive
 * connections, and records every outcome. Requests carry `x-request-id` for backends to log.
 */
export class FixedRateLoad {
  readonly #options: FixedRateLoadOptions;
  readonly #pool: Pool;
  readonly #outcomes: Outcome[] = [];
  readonly #pending = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #stoppedAt = 0;
  #sent = 0;

  constructor(options: FixedRateLoadOptions) {
    this.#options = options;
    this.#pool = new Pool(options.origin, {
      connections: options.connections ?? 32,
      pipelining: 1,
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
    });
  }

  /** Outcomes so far (settled or not). */
  get outcomes(): readonly Outcome[] {
    return this.#outcomes;
  }

  /** Requests settled so far with a 2xx. */
  okCount(): number {
    let n = 0;
    for (const o of this.#outcomes) if (o.status !== undefined && o.status < 300 && o.status >= 200) n++;
    return n;
  }

  /** Starts issuing requests. */
  start(): this {
    this.#startedAt = performance.now();
    this.#timer = setInterval(() => this.#tick(), 5);
    return this;
  }

  /** Issues one request now, outside the schedule (e.g. a probe); resolves with its outcome. */
  async send(path = this.#options.path ?? '/'): Promise<Outcome> {
    const id = this.#sent++;
    const outcome: Outcome = { id, sentAt: performance.now(), doneAt: 0 };
    this.#outcomes.push(outcome);
    const p = this.#request(outcome, path);
    this.#pending.add(p);
    await p;
    this.#pending.delete(p);
    return outcome;
  }

  /** Stops issuing, waits for every outstanding request, and reports. */
  async stop(): Promise<LoadReport> {
    clearInterval(this.#timer);
    this.#stoppedAt = performance.now();
    await Promise.all([...this.#pending]);
    return summarize(this.#outcomes, this.#stoppedAt - this.#startedAt);
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pool.destroy();
  }

  #tick(): void {
    const due = Math.floor(((performance.now() - this.#startedAt) * this.#options.rate) / 1000);
    const path = this.#options.path ?? '/';
    while (this.#sent < due) {
      const id = this.#sent++;
      const outcome: Outcome = { id, sentAt: performance.now(), doneAt: 0 };
      this.#outcomes.push(outcome);
      const p = this.#request(outcome, path);
      this.#pending.add(p);
      void p.then(() => this.#pending.delete(p));
    }
  }

  async #request(outcome: Outcome, path: string): Promise<void> {
    try {
      const res = await this.#pool.request({
        method: 'GET',
        path,
        headers: { host: this.#options.host, 'x-request-id': String(outcome.id) },
      });
      await res.body.text();
      outcome.status = res.statusCode;
      const backend = res.headers['x-backend'];
      if (typeof backend === 'string') outcome.backend = backend;
      const proxyError = res.headers['l5d-proxy-error'];
      if (typeof proxyError === 'string') outcome.proxyError = proxyError;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      outcome.error = e.code ?? e.message ?? String(err);
    }
    outcome.doneAt = performance.now();
  }
}

/**
 * A short description of the failures in a report, for assertion messages: each failed request's
 * status or error, the proxy's `l5d-proxy-error`, and which backends had received it (so a
 * request that was in flight at an endpoint is told apart from one that never got there).
 */
export function describeFailures(
  report: LoadReport,
  backends: ReadonlyArray<{ name: string; seenIds: ReadonlySet<string> }> = [],
  limit = 10,
): string {
  const failed = report.outcomes.filter((o) => o.status === undefined || o.status < 200 || o.status >= 300);
  const lines = failed.slice(0, limit).map((o) => {
    const seen = backends.filter((b) => b.seenIds.has(String(o.id))).map((b) => b.name);
    const why = o.proxyError === undefined ? '' : ` (${o.proxyError})`;
    const where = seen.length === 0 ? 'reached no backend' : `in flight at ${seen.join(', ')}`;
    return `#${o.id} at ${o.sentAt.toFixed(0)} ms: ${o.status ?? o.error}${why}, ${where}`;
  });
  return `${failed.length} failed: ${lines.join('; ')}`;
}

/** The result of one {@link probe}. */
export interface ProbeResult {
  status?: number;
  proxyError?: string;
  error?: string;
  backend?: string;
  elapsedMs: number;
}

/**
 * Sends one request on a connection of its own (so a connection the proxy closes after an error
 * affects nothing else) and times it.
 */
export async function probe(
  origin: string,
  host: string,
  path = '/',
  timeoutMs = 30_000,
): Promise<ProbeResult> {
  const client = new Client(origin, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const started = performance.now();
  try {
    const res = await client.request({ method: 'GET', path, headers: { host } });
    await res.body.text();
    const proxyError = res.headers['l5d-proxy-error'];
    const backend = res.headers['x-backend'];
    return {
      status: res.statusCode,
      ...(typeof proxyError === 'string' ? { proxyError } : {}),
      ...(typeof backend === 'string' ? { backend } : {}),
      elapsedMs: performance.now() - started,
    };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { error: e.code ?? e.message ?? String(err), elapsedMs: performance.now() - started };
  } finally {
    await client.destroy();
  }
}
