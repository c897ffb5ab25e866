import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CollectedCounterFamily, CollectedGaugeFamily } from './collected-family.js';
import type { MetricFamily, MetricsRegistry } from './family.js';
import { assertUnregistered } from './registration.js';
import type { Series } from './series.js';

const PROCESS_METRIC_NAMES = [
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_threads',
  'process_open_fds',
  'process_max_fds',
];

/** Where the collector reads `/proc` (overridable for tests). */
export interface ProcessMetricsOptions {
  /** The process's procfs directory; defaults to `/proc/self`. */
  readonly procDir?: string;
}

/**
 * The standard `process_*` set linkerd2-proxy exports: `process_cpu_seconds_total`,
 * `process_start_time_seconds`, `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
 * `process_open_fds`, `process_max_fds` and `process_threads`. Values are read at scrape time and
 * nothing runs between scrapes. The procfs-based gauges exist only where procfs does (Linux), so
 * other systems get no series rather than false zeros. Renders itself; no prom-client needed.
 */
export class ProcessMetrics {
  /** The families, in render order. */
  readonly families: readonly MetricFamily<Series>[];

  constructor(options: ProcessMetricsOptions = {}) {
    const proc = options.procDir ?? '/proc/self';
    const families: MetricFamily<Series>[] = [];
    let lastCpuSeconds = 0;
    families.push(
      new CollectedCounterFamily(
        { name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.' },
        (f) => {
          const { user, system } = process.cpuUsage();
          const seconds = (user + system) / 1e6;
          f.series().inc(Math.max(0, seconds - lastCpuSeconds));
          lastCpuSeconds = Math.max(lastCpuSeconds, seconds);
        },
      ),
    );
    const startSeconds = Math.round(performance.timeOrigin / 1000);
    families.push(
      new CollectedGaugeFamily(
        {
          name: 'process_start_time_seconds',
          help: 'Start time of the process since the Unix epoch in seconds.',
        },
        (f) => f.series().set(startSeconds),
      ),
      new CollectedGaugeFamily(
        { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' },
        (f) => f.series().set(process.memoryUsage.rss()),
      ),
    );
    if (existsSync(`${proc}/status`)) {
      families.push(
        new CollectedGaugeFamily(
          { name: 'process_virtual_memory_bytes', help: 'Virtual memory size in bytes.' },
          (f) => {
            const kb = statusField(readText(`${proc}/status`), 'VmSize');
            if (kb !== undefined) f.series().set(kb * 1024);
          },
        ),
        new CollectedGaugeFamily(
          { name: 'process_threads', help: 'Number of OS threads in the process.' },
          (f) => {
            const n = statusField(readText(`${proc}/status`), 'Threads');
            if (n !== undefined) f.series().set(n);
          },
        ),
        new CollectedGaugeFamily(
          { name: 'process_open_fds', help: 'Number of open file descriptors.' },
          (f) => {
            try {
              f.series().set(readdirSync(`${proc}/fd`).length);
            } catch {
              // No access to the fd directory: leave the last value.
            }
          },
        ),
        new CollectedGaugeFamily(
          { name: 'process_max_fds', help: 'Maximum number of open file descriptors.' },
          (f) => {
            const m = /^Max open files\s+(\d+)/m.exec(readText(`${proc}/limits`) ?? '');
            if (m !== null) f.series().set(Number(m[1]));
          },
        ),
      );
    }
    this.families = families;
  }

  /** The text exposition of every family. */
  render(): string {
    return this.families.map((f) => f.render()).join('');
  }

  /** Registers every family in a prom-client registry. */
  registerIn(registry: MetricsRegistry): void {
    assertUnregistered(registry, PROCESS_METRIC_NAMES);
    for (const f of this.families) f.registerIn(registry);
  }
}

/** Registers {@link ProcessMetrics} in a prom-client registry. */
export function registerProcessMetrics(
  registry: MetricsRegistry,
  options: ProcessMetricsOptions = {},
): ProcessMetrics {
  const metrics = new ProcessMetrics(options);
  metrics.registerIn(registry);
  return metrics;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function statusField(status: string | undefined, field: string): number | undefined {
  const m = status === undefined ? null : new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
  return m === null ? undefined : Number(m[1]);
}
