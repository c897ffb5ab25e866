import type { MachineSample, ProcessSample } from './proc-sampler.ts';

/** Memory and CPU of one process over a soak. */
export interface ProcessUsage {
  /** Median RSS over the first tenth of the run after warm-up, MiB. */
  rssStartMiB: number;
  /** Median RSS over the last tenth of the run, MiB. */
  rssEndMiB: number;
  /** Highest RSS seen at any time, warm-up included, MiB. */
  rssPeakMiB: number;
  /** Highest RSS seen after warm-up, MiB. */
  rssPeakAfterWarmupMiB: number;
  /** `rssEnd / rssStart − 1`, percent: the growth after warm-up. */
  rssGrowthPct: number;
  /** CPU used after warm-up divided by the time it took: cores in use (1 = one whole core). */
  cpuCores: number;
  /** CPU seconds used over the whole run. */
  cpuSeconds: number;
}

/** A figure sampled over the run: seconds since the start, and its value. */
export interface TimedValue {
  tS: number;
  value: number;
}

/** Start (median of the first tenth after warm-up), end (median of the last tenth) and peak of a figure. */
export interface WindowedFigure {
  start: number;
  end: number;
  /** Highest value at any time, warm-up included. */
  peak: number;
  /** Highest value after warm-up. */
  peakAfterWarmup: number;
  /** `end / start − 1`, percent. */
  growthPct: number;
}

/** How busy the machine was after warm-up, all processes included. */
export interface MachineUsage {
  cores: number;
  /** Busy CPU over all cores after warm-up, in cores. */
  busyCores: number;
}

// The first and last tenth of the measured part of the run: wide enough that a median ignores
// the garbage collector's sawtooth, narrow enough that a steady climb still shows.
const EDGE = 0.1;

function median(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function nearest<T extends { tS: number }>(samples: T[], tS: number): T {
  let best = samples[0]!;
  for (const s of samples) if (Math.abs(s.tS - tS) < Math.abs(best.tS - tS)) best = s;
  return best;
}

/**
 * Start, end and peak of a figure with warm-up ending at `warmupS`. Start and end are medians
 * of the first and last tenth of the measured part of the run.
 * @throws Error when there are fewer than two samples after warm-up.
 */
export function windowedFigure(samples: TimedValue[], warmupS: number): WindowedFigure {
  const after = samples.filter((s) => s.tS >= warmupS && !Number.isNaN(s.value));
  if (after.length < 2) throw new Error(`need at least 2 samples after warm-up, have ${after.length}`);
  const first = after[0]!.tS;
  const last = after[after.length - 1]!.tS;
  const edge = (last - first) * EDGE;
  const start = median(after.filter((s) => s.tS <= first + edge).map((s) => s.value));
  const end = median(after.filter((s) => s.tS >= last - edge).map((s) => s.value));
  const values = samples.map((s) => s.value).filter((v) => !Number.isNaN(v));
  return {
    start,
    end,
    peak: Math.max(...values),
    peakAfterWarmup: Math.max(...after.map((s) => s.value)),
    growthPct: (end / start - 1) * 100,
  };
}

/**
 * Memory and CPU of one process from its samples, with warm-up ending at `warmupS`.
 * @throws Error when there are fewer than two samples after warm-up.
 */
export function processUsage(samples: ProcessSample[], warmupS: number): ProcessUsage {
  const rss = windowedFigure(
    samples.map((s) => ({ tS: s.tS, value: s.rssKiB / 1024 })),
    warmupS,
  );
  const at = nearest(samples, warmupS);
  const last = samples[samples.length - 1]!;
  return {
    rssStartMiB: rss.start,
    rssEndMiB: rss.end,
    rssPeakMiB: rss.peak,
    rssPeakAfterWarmupMiB: rss.peakAfterWarmup,
    rssGrowthPct: rss.growthPct,
    cpuCores: (last.cpuS - at.cpuS) / (last.tS - at.tS),
    cpuSeconds: last.cpuS - samples[0]!.cpuS,
  };
}

/** How many cores the machine had busy after warm-up, and how many it has. */
export function machineUsage(samples: MachineSample[], warmupS: number, cores: number): MachineUsage {
  const at = nearest(samples, warmupS);
  const last = samples[samples.length - 1]!;
  const wall = last.tS - at.tS;
  return { cores, busyCores: wall > 0 ? (last.busyS - at.busyS) / wall : 0 };
}
