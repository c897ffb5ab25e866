import type { LatencySummary, LatencyWindow } from './latency-stats.ts';

/** One stream of the constant-rate load: where it goes and which `Host` it names. */
export interface LoadStream {
  /** Name in the summary (`mesh`, `direct`). */
  name: string;
  /** Where connections go, `http://ip:port`. */
  origin: string;
  /** `Host` header: the mesh authority through the proxy, the backend's address directly. */
  host: string;
}

/** What the load generator process is told to do (passed as JSON on its command line). */
export interface LoadPlan {
  /** Requests per second, per stream. */
  rps: number;
  /** Length of the run. */
  durationMs: number;
  /** Requests due before this point are warm-up: counted for failures, not for latency. */
  warmupMs: number;
  /** Streams sent on the same schedule (request `i` of every stream is due at the same time). */
  streams: LoadStream[];
  /** Most connections a stream opens; more requests in flight wait in the client's queue. */
  connections: number;
  /** A response not complete after this long is a failure. */
  timeoutMs: number;
  /** Size of the backend's response body, checked on every response. */
  bodyBytes: number;
  /** How often a progress line is printed. */
  progressMs: number;
  /** Number of equal slices the run is cut into for the latency timeline. */
  windows: number;
}

/** One failed request, kept for the report (the first few of each stream). */
export interface LoadFailure {
  /** When the request was due, seconds from the start. */
  atS: number;
  /** What went wrong: `status 502`, `UND_ERR_SOCKET …`, `body 10 of 1024 bytes`, `no response`. */
  error: string;
}

/** What one stream measured. Latencies run from when a request was due to its last byte. */
export interface StreamResult {
  name: string;
  /** Requests the schedule called for. */
  scheduled: number;
  /** Requests answered 200 with the whole body. */
  ok: number;
  failed: number;
  /** Failures by kind. */
  failures: Record<string, number>;
  firstFailures: LoadFailure[];
  /** Latency of the requests due after warm-up. */
  latency: LatencySummary;
  /** Latency of all requests, warm-up included. */
  latencyAll: LatencySummary;
  /** The run cut into equal slices by due time. */
  windows: LatencyWindow[];
  /** Requests answered 200 per second, over the scheduled duration or until the last answer if later. */
  achievedRps: number;
}

/** The generator's final report. */
export interface LoadResult {
  streams: StreamResult[];
  /** How late the generator itself sent requests (sent − due), ms: p99 and max. */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
  /** Wall time from the first due request to the last response, ms. */
  elapsedMs: number;
  /** CPU seconds the generator process used. */
  cpuSeconds: number;
}

/** Progress printed by the generator while it runs. */
export interface LoadProgress {
  /** Seconds since the start. */
  t: number;
  streams: Array<{ name: string; done: number; failed: number; inFlight: number; maxMsSinceLast: number }>;
}

/** Line prefixes of the generator's output (stdout), followed by JSON. */
export const LOAD_LINE = {
  started: 'soak-load started',
  progress: 'soak-load progress ',
  result: 'soak-load result ',
};
