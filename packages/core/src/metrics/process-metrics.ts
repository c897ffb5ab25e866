import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { Counter, Gauge } from 'prom-client';
import type { MetricsRegistry } from './family.js';
import { assertUnregistered } from './registration.js';

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
 * Registers the standard `process_*` set linkerd2-proxy exports: `process_cpu_seconds_total`,
 * `process_start_time_seconds`, `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
 * `process_open_fds`, `process_max_fds` and `process_threads`. Values are read at scrape time and
 * nothing runs between scrapes (unlike prom-client's `collectDefaultMetrics`, which also adds
 * `nodejs_*`). The procfs-based gauges are only registered where procfs exists (Linux), so other
 * systems get no series rather than false zeros.
 */
export function registerProcessMetrics(registry: MetricsRegistry, options: ProcessMetricsOptions = {}): void {
  const proc = options.procDir ?? '/proc/self';
  assertUnregistered(registry, PROCESS_METRIC_NAMES);
  const registers = [registry];
  let lastCpuSeconds = 0;
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      const seconds = (user + system) / 1e6;
      this.inc(Math.max(0, seconds - lastCpuSeconds));
      lastCpuSeconds = Math.max(lastCpuSeconds, seconds);
    },
  });
  const startSeconds = Math.round(performance.timeOrigin / 1000);
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since the Unix epoch in seconds.',
    registers,
    collect() {
      this.set(startSeconds);
    },
  });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  if (!existsSync(`${proc}/status`)) return;
  new Gauge({
    name: 'process_virtual_memory_bytes',
    help: 'Virtual memory size in bytes.',
    registers,
    async collect() {
      const kb = statusField(await readText(`${proc}/status`), 'VmSize');
      if (kb !== undefined) this.set(kb * 1024);
    },
  });
  new Gauge({
    name: 'process_threads',
    help: 'Number of OS threads in the process.',
    registers,
    async collect() {
      const n = statusField(await readText(`${proc}/status`), 'Threads');
      if (n !== undefined) this.set(n);
    },
  });
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers,
    async collect() {
      const fds = await readdir(`${proc}/fd`).catch(() => undefined);
      if (fds !== undefined) this.set(fds.length);
    },
  });
  new Gauge({
    name: 'process_max_fds',
    help: 'Maximum number of open file descriptors.',
    registers,
    async collect() {
      const m = /^Max open files\s+(\d+)/m.exec((await readText(`${proc}/limits`)) ?? '');
      if (m !== null) this.set(Number(m[1]));
    },
  });
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

function statusField(status: string | undefined, field: string): number | undefined {
  const m = status === undefined ? null : new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
  return m === null ? undefined : Number(m[1]);
}
