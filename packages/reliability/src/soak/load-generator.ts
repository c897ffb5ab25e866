// The soak's load generator, run as its own process (`node load-generator.ts '<LoadPlan JSON>'`)
// so that its event loop shares no time with the process that samples the proxies.
//
// Open loop: request i of every stream is due at t0 + i/rps whatever happened to earlier
// requests, and its latency runs from that due time to the response's last byte. A stalled
// proxy therefore shows up as queueing in every request due during the stall, as a real client
// at a fixed rate would see it; a closed-loop tool (wrk) would instead wait, send less and
// report only the stalled requests themselves (coordinated omission).
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { latencyWindows, summarizeLatencies } from './latency-stats.ts';
import {
  LOAD_LINE,
  type LoadFailure,
  type LoadPlan,
  type LoadProgress,
  type LoadResult,
  type StreamResult,
} from './load-plan.ts';

const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
const total = Math.floor((plan.rps * plan.durationMs) / 1000);
const warmupCount = Math.floor((plan.rps * plan.warmupMs) / 1000);
const msPerRequest = 1000 / plan.rps;

class Stream {
  readonly name: string;
  readonly host: string;
  readonly pool: Pool;
  readonly latencies = new Float64Array(total).fill(Number.NaN);
  ok = 0;
  failed = 0;
  inFlight = 0;
  maxSinceLast = 0;
  lastEnd = 0;
  lastOkEnd = 0;
  readonly failures: Record<string, number> = {};
  readonly firstFailures: LoadFailure[] = [];

  constructor(name: string, origin: string, host: string) {
    this.name = name;
    this.host = host;
    this.pool = new Pool(origin, {
      connections: plan.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: plan.timeoutMs,
      bodyTimeout: plan.timeoutMs,
      connectTimeout: plan.timeoutMs,
    });
  }

  fail(index: number, error: string): void {
    this.failed++;
    this.failures[error] = (this.failures[error] ?? 0) + 1;
    if (this.firstFailures.length < 20)
      this.firstFailures.push({ atS: (index * msPerRequest) / 1000, error });
  }
}

// One request: a dispatch handler, so no Promise or stream is created per request.
class Exchange implements Dispatcher.DispatchHandler {
  readonly stream: Stream;
  readonly index: number;
  readonly due: number;
  status = 0;
  bytes = 0;

  constructor(stream: Stream, index: number, due: number) {
    this.stream = stream;
    this.index = index;
    this.due = due;
  }

  onRequestStart(): void {}

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
  }

  onResponseEnd(): void {
    const end = performance.now();
    const s = this.stream;
    s.inFlight--;
    s.lastEnd = end;
    if (this.status !== 200) {
      s.fail(this.index, `status ${this.status}`);
      return;
    }
    if (this.bytes !== plan.bodyBytes) {
      s.fail(this.index, `body ${this.bytes} of ${plan.bodyBytes} bytes`);
      return;
    }
    const ms = end - this.due;
    s.latencies[this.index] = ms;
    s.lastOkEnd = end;
    if (ms > s.maxSinceLast) s.maxSinceLast = ms;
    s.ok++;
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    const s = this.stream;
    s.inFlight--;
    s.lastEnd = performance.now();
    const code = (err as Error & { code?: string }).code;
    s.fail(this.index, code === undefined ? err.message : `${code} ${err.message}`);
  }
}

const streams = plan.streams.map((s) => new Stream(s.name, s.origin, s.host));
const sendLag = new Float64Array(total);
const t0 = performance.now() + 20;
let next = 0;

function send(index: number): void {
  const due = t0 + index * msPerRequest;
  sendLag[index] = performance.now() - due;
  // Alternate which stream goes first so neither is always a few microseconds ahead.
  for (let k = 0; k < streams.length; k++) {
    const s = streams[(index + k) % streams.length]!;
    s.inFlight++;
    s.pool.dispatch({ path: '/soak', method: 'GET', headers: { host: s.host } }, new Exchange(s, index, due));
  }
}

function tick(): void {
  const due = Math.min(total, Math.floor(((performance.now() - t0) * plan.rps) / 1000) + 1);
  while (next < due) send(next++);
  if (next < total) setTimeout(tick, 1);
  else void finish();
}

const progress = setInterval(() => {
  const line: LoadProgress = {
    t: Math.round((performance.now() - t0) / 100) / 10,
    streams: streams.map((s) => ({
      name: s.name,
      done: s.ok + s.failed,
      failed: s.failed,
      inFlight: s.inFlight,
      maxMsSinceLast: Math.round(s.maxSinceLast * 10) / 10,
    })),
  };
  for (const s of streams) s.maxSinceLast = 0;
  process.stdout.write(`${LOAD_LINE.progress}${JSON.stringify(line)}\n`);
}, plan.progressMs);

async function finish(): Promise<void> {
  const deadline = performance.now() + plan.timeoutMs + 1_000;
  while (streams.some((s) => s.inFlight > 0) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  clearInterval(progress);
  const elapsedMs = Math.max(...streams.map((s) => s.lastEnd)) - t0;
  const results: StreamResult[] = streams.map((s) => {
    for (let i = 0; i < s.inFlight; i++) s.fail(total - 1, 'no response by the end of the run');
    return {
      name: s.name,
      scheduled: total,
      ok: s.ok,
      failed: s.failed,
      failures: s.failures,
      firstFailures: s.firstFailures,
      latency: summarizeLatencies(s.latencies, warmupCount),
      latencyAll: summarizeLatencies(s.latencies),
      windows: latencyWindows(s.latencies, plan.rps, plan.windows),
      achievedRps: s.ok / (Math.max(plan.durationMs, s.lastOkEnd - t0) / 1000),
    };
  });
  const lag = summarizeLatencies(sendLag);
  const cpu = process.cpuUsage();
  const result: LoadResult = {
    streams: results,
    sendLagP99Ms: lag.p99,
    sendLagMaxMs: lag.max,
    elapsedMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  await Promise.all(streams.map((s) => s.pool.destroy()));
  process.stdout.write(`${LOAD_LINE.result}${JSON.stringify(result)}\n`);
  process.exit(0);
}

process.stdout.write(`${LOAD_LINE.started} ${total} requests per stream\n`);
setTimeout(tick, Math.max(0, t0 - performance.now()));
