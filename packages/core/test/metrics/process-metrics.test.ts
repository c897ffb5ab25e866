import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerProcessMetrics } from '../../src/metrics/process-metrics.js';
import { promtoolCheck } from './promtool.js';

function sample(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

describe('registerProcessMetrics', () => {
  it('reports this process from /proc', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry);
    const first = await registry.metrics();
    const rss = sample(first, 'process_resident_memory_bytes')!;
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample(first, 'process_virtual_memory_bytes')!).toBeGreaterThan(rss);
    expect(sample(first, 'process_threads')!).toBeGreaterThanOrEqual(1);
    expect(sample(first, 'process_open_fds')!).toBeGreaterThanOrEqual(3);
    expect(sample(first, 'process_max_fds')!).toBeGreaterThanOrEqual(sample(first, 'process_open_fds')!);
    const start = sample(first, 'process_start_time_seconds')!;
    expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    const cpu1 = sample(first, 'process_cpu_seconds_total')!;
    expect(cpu1).toBeGreaterThan(0);
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const cpu2 = sample(await registry.metrics(), 'process_cpu_seconds_total')!;
    expect(cpu2).toBeGreaterThan(cpu1);
    const check = promtoolCheck(first);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  it('leaves out procfs values where procfs is missing', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry, {
      procDir: join(mkdtempSync(join(tmpdir(), 'skein-proc-')), 'missing'),
    });
    const text = await registry.metrics();
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'process_open_fds')).toBeUndefined();
    expect(sample(text, 'process_threads')).toBeUndefined();
    expect(sample(text, 'process_max_fds')).toBeUndefined();
    expect(promtoolCheck(text).status).toBe(0);
  });
});

describe('registration errors', () => {
  it('refuses to register the process metrics twice', () => {
    const registry = new Registry();
    registerProcessMetrics(registry);
    expect(() => registerProcessMetrics(registry)).toThrow(
      /metrics already registered: process_cpu_seconds_total/,
    );
  });
});
