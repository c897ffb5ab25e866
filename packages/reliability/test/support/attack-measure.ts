import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { APP_AUTHORITY } from './attack-target.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;

/** Heap in use after a full collection, in MiB: what the process really retains. */
export function retainedHeapMiB(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed / MiB;
}

/** Samples this process's RSS while an attack runs; `stop()` gives the peak growth in MiB. */
export function watchRss(everyMs = 25): { stop(): { baseMiB: number; peakGrowthMiB: number } } {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return { baseMiB: base / MiB, peakGrowthMiB: (peak - base) / MiB };
    },
  };
}

/** What a well-behaved client saw while an attack was running. */
export interface BystanderReport {
  ok: number;
  failed: number;
  /** Slowest successful request, ms. */
  maxLatencyMs: number;
  /** First failure, for the assertion message. */
  firstError: string | undefined;
}

/**
 * A well-behaved client that keeps sending keep-alive GETs through the proxy (two at a time)
 * until stopped: the proxy must keep serving it while another client attacks.
 */
export function startBystander(
  port: number,
  host = '127.0.0.1',
): {
  /** Holds new requests (keep-alive connections stay open and idle) until `resume()`. */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<BystanderReport>;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const report: BystanderReport = { ok: 0, failed: 0, maxLatencyMs: 0, firstError: undefined };
  let running = true;
  let paused: { resume: () => void; promise: Promise<void> } | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.get(
        { host, port, path: '/bystander', headers: { host: APP_AUTHORITY }, agent },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) {
              report.ok++;
              report.maxLatencyMs = Math.max(report.maxLatencyMs, performance.now() - started);
            } else {
              report.failed++;
              report.firstError ??= `status ${res.statusCode}`;
            }
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('no response within 10 s')));
      req.on('error', (err) => {
        report.failed++;
        report.firstError ??= err.message;
        resolve();
      });
    });
  const loop = async () => {
    while (running) {
      if (paused !== undefined) await paused.promise;
      inFlight++;
      await one();
      if (--inFlight === 0) idle?.();
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const loops = [loop(), loop()];
  return {
    async pause() {
      let resume!: () => void;
      const promise = new Promise<void>((r) => {
        resume = r;
      });
      paused = { resume, promise };
      if (inFlight > 0) await new Promise<void>((r) => (idle = r));
      idle = undefined;
    },
    resume() {
      paused?.resume();
      paused = undefined;
    },
    async stop() {
      running = false;
      paused?.resume();
      await Promise.all(loops);
      agent.destroy();
      return report;
    },
  };
}

/** Formats a number of MiB for a result row. */
export function mib(n: number): string {
  return `${n.toFixed(1)} MiB`;
}
