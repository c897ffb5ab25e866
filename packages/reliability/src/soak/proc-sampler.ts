import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process: resident memory and CPU used so far. */
export interface ProcessSample {
  /** Seconds since sampling started. */
  tS: number;
  /** `VmRSS` from `/proc/<pid>/status`, KiB; NaN once the process is gone. */
  rssKiB: number;
  /** User + system CPU seconds so far (`/proc/<pid>/stat`). */
  cpuS: number;
}

/** One reading of the whole machine's CPU counters (`/proc/stat`), seconds summed over cores. */
export interface MachineSample {
  tS: number;
  busyS: number;
  totalS: number;
}

/** Everything sampled during a run. */
export interface SampleSeries {
  processes: Record<string, ProcessSample[]>;
  machine: MachineSample[];
}

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

const TICKS = clockTicks();

/** Resident set size of `pid` in KiB, from `VmRSS` in `/proc/<pid>/status`; NaN when gone. */
export function readRssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? Number.NaN : Number(m[1]);
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU seconds used by `pid` (fields 14 and 15 of `/proc/<pid>/stat`); NaN when gone. */
export function readCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Busy and total CPU seconds of the machine, all cores summed (idle and iowait are not busy). */
export function readMachineCpu(): { busyS: number; totalS: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busyS: (total - idle) / TICKS, totalS: total / TICKS };
}

/**
 * Samples the resident memory and CPU of named processes, and the machine's CPU, every
 * `intervalMs` from `start()` to `stop()`. Reading `/proc` costs microseconds, so sampling does
 * not disturb what it measures.
 */
export class ProcSampler {
  readonly #pids: Record<string, number>;
  readonly #intervalMs: number;
  readonly #series: SampleSeries = { processes: {}, machine: [] };
  #timer: NodeJS.Timeout | undefined;
  #t0 = 0;
  #epoch = 0;

  constructor(pids: Record<string, number>, intervalMs: number) {
    this.#pids = pids;
    this.#intervalMs = intervalMs;
    for (const name of Object.keys(pids)) this.#series.processes[name] = [];
  }

  /** Takes a first sample now and then one every interval. */
  start(): void {
    this.#t0 = performance.now();
    this.#epoch = Date.now();
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.#intervalMs);
  }

  /** Takes one sample of every process and of the machine. */
  sample(): void {
    const tS = (performance.now() - this.#t0) / 1000;
    for (const [name, pid] of Object.entries(this.#pids)) {
      this.#series.processes[name]!.push({ tS, rssKiB: readRssKiB(pid), cpuS: readCpuSeconds(pid) });
    }
    this.#series.machine.push({ tS, ...readMachineCpu() });
  }

  /** When sampling started, ms since the epoch (to time samples the processes report themselves). */
  get startEpochMs(): number {
    return this.#epoch;
  }

  /** The latest RSS of each process, MiB (for progress lines). */
  latestRssMiB(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, samples] of Object.entries(this.#series.processes)) {
      const last = samples[samples.length - 1];
      if (last !== undefined) out[name] = last.rssKiB / 1024;
    }
    return out;
  }

  /** Takes a last sample and stops (once; later calls only return), and returns everything sampled. */
  stop(): SampleSeries {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.sample();
    }
    return this.#series;
  }
}
