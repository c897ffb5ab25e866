// Load generators run inside a pod as the application user, so that iptables treats their
// connections as the app's: wrk (HTTP/1.1 keep-alive, closed loop) and h2load (HTTP/2 prior
// knowledge or --h1, closed loop or a fixed rate with a per-request log). Pinned to CPU 1 like
// the load tools of packages/proxy/bench, so the runs here compare with those.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '@skein/testkit';

/** Who runs the load and where it may write its logs. */
export interface LoadSite {
  readonly pod: Pod;
  readonly uid: number;
  /** A directory `uid` can write to. */
  readonly dir: string;
}

/** What one load run measured. */
export interface LoadResult {
  /** Completed requests per second. */
  readonly rps: number;
  /** Requests that completed with a 2xx status. */
  readonly ok: number;
  /** Per-request latencies in ms, sorted (h2load with a log only; empty for wrk). */
  readonly latenciesMs: readonly number[];
}

/** wrk at saturation: one thread, `connections` keep-alive connections, for `seconds`. */
export async function wrkIn(
  site: LoadSite,
  url: string,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const argv = ['taskset', '-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, url];
  const { stdout } = await site.pod.exec(argv, { uid: site.uid, timeoutMs: (seconds + 20) * 1000 });
  const done = /(\d+) requests in/.exec(stdout);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (done === null || rps === null) throw new Error(`wrk printed no totals for ${url}:\n${stdout}`);
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const errors = /Socket errors: (.*)/.exec(stdout);
  if (bad !== null || errors !== null)
    throw new Error(`wrk against ${url} saw failures (${bad?.[0] ?? ''} ${errors?.[0] ?? ''}):\n${stdout}`);
  return { rps: Number(rps[1]), ok: Number(done[1]), latenciesMs: [] };
}

/** Options of {@link h2loadIn}. */
export interface H2loadRun {
  readonly url: string;
  readonly clients: number;
  readonly streams: number;
  readonly seconds: number;
  /** Fixed rate per client; unset: as fast as it can. */
  readonly rpsPerClient?: number;
  /** HTTP/1.1 instead of HTTP/2 prior knowledge. */
  readonly h1?: boolean;
}

let logs = 0;

/** h2load; with `rpsPerClient`, latencies come from its per-request log, so percentiles are exact. */
export async function h2loadIn(site: LoadSite, run: H2loadRun): Promise<LoadResult> {
  const log = join(site.dir, `h2load-${logs++}.log`);
  const argv = [
    'taskset',
    '-c',
    '1',
    'h2load',
    `-c${run.clients}`,
    `-m${run.streams}`,
    `-D${run.seconds}`,
    `--log-file=${log}`,
  ];
  if (run.rpsPerClient !== undefined) argv.push(`--rps=${run.rpsPerClient}`);
  if (run.h1 === true) argv.push('--h1');
  argv.push(run.url);
  try {
    const { stdout } = await site.pod.exec(argv, { uid: site.uid, timeoutMs: (run.seconds + 20) * 1000 });
    const done = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(stdout);
    const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(stdout);
    const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout);
    if (done === null || codes === null || rps === null)
      throw new Error(`h2load printed no totals for ${run.url}:\n${stdout}`);
    // With -D, responses to requests still in flight at the end count in the status codes but
    // not as done, so the 2xx total may exceed the succeeded requests.
    const notOk = Number(codes[2]) + Number(codes[3]) + Number(codes[4]);
    if (Number(done[3]) > 0 || notOk > 0)
      throw new Error(`h2load against ${run.url}: ${done[0]}; ${codes[0]}`);
    const ok = Number(done[2]);
    return { rps: Number(rps[1]), ok, latenciesMs: run.rpsPerClient === undefined ? [] : readLatencies(log) };
  } finally {
    rmSync(log, { force: true });
  }
}

// h2load's log: one line per request, tab-separated start (µs since epoch), status, duration (µs).
function readLatencies(log: string): number[] {
  const out: number[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const cols = line.split('\t');
    if (cols.length >= 3 && cols[1] !== '-1') out.push(Number(cols[2]) / 1000);
  }
  return out.sort((x, y) => x - y);
}

/** The `p`-quantile (0–1) of sorted values: the nearest-rank value, NaN when empty. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
