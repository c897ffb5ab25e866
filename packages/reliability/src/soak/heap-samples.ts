import { type TimedValue, type WindowedFigure, windowedFigure } from './resource-usage.ts';

/** JavaScript heap and external memory of one proxy over a soak (with `--heap`), MiB. */
export interface HeapUsage {
  heapUsed: WindowedFigure;
  heapTotal: WindowedFigure;
  /** Memory held outside the V8 heap by JavaScript objects (buffers, TLS). */
  external: WindowedFigure;
}

const PREFIX = 'soak-heap ';

/**
 * The heap figures a proxy printed with the heap reporter preloaded (lines `soak-heap {json}` on
 * its stderr), timed from `startEpochMs` (when sampling started). Returns undefined when the
 * proxy printed fewer than two samples after warm-up.
 */
export function heapUsage(stderr: string, startEpochMs: number, warmupS: number): HeapUsage | undefined {
  const used: TimedValue[] = [];
  const total: TimedValue[] = [];
  const external: TimedValue[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith(PREFIX)) continue;
    const m = JSON.parse(line.slice(PREFIX.length)) as {
      at: number;
      heapUsed: number;
      heapTotal: number;
      external: number;
    };
    const tS = (m.at - startEpochMs) / 1000;
    if (tS < 0) continue;
    used.push({ tS, value: m.heapUsed / 1048576 });
    total.push({ tS, value: m.heapTotal / 1048576 });
    external.push({ tS, value: m.external / 1048576 });
  }
  if (used.filter((s) => s.tS >= warmupS).length < 2) return undefined;
  return {
    heapUsed: windowedFigure(used, warmupS),
    heapTotal: windowedFigure(total, warmupS),
    external: windowedFigure(external, warmupS),
  };
}

/** Whether an output line is a heap sample (left out of the proxies' log in the summary). */
export function isHeapLine(line: string): boolean {
  return line.startsWith(PREFIX);
}
