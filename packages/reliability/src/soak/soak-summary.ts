import type { LatencySummary } from './latency-stats.ts';
import type { ProcessUsage } from './resource-usage.ts';
import type { SoakReport } from './run-soak.ts';

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);

function latencyRow(name: string, l: LatencySummary): string {
  return `  ${name.padEnd(8)} ${f2(l.p50).padStart(8)} ${f2(l.p90).padStart(8)} ${f2(l.p99).padStart(8)} ${f2(l.p999).padStart(8)} ${f2(l.max).padStart(8)}`;
}

function usageRow(name: string, u: ProcessUsage): string {
  return `  ${name.padEnd(15)} ${f1(u.rssStartMiB).padStart(8)} ${f1(u.rssEndMiB).padStart(8)} ${f2(u.rssGrowthPct).padStart(8)} ${f1(u.rssPeakMiB).padStart(8)} ${f2(u.cpuCores).padStart(8)} ${f1(u.cpuSeconds).padStart(8)}`;
}

/** The soak's printed summary: load, latency, resources, machine load and the checks. */
export function formatSoakSummary(r: SoakReport): string {
  const o = r.options;
  const warmupS = (o.durationMs * o.warmupFraction) / 1000;
  const lines = [
    `Skein soak: client → skein-proxy A (outbound) → mTLS + transport header → skein-proxy B (inbound) → backend`,
    `  started ${r.startedAt}; ${o.durationMs / 1000} s at ${o.rps} rps per stream (mesh, and direct to the backend in the same run), open loop, ${o.bodyBytes} B responses, warm-up ${warmupS} s`,
    `  ${r.host.cpus} × ${r.host.cpuModel}, node ${r.host.node}; load average before ${r.host.loadAvgBefore.map(f2).join(' ')}, after ${r.host.loadAvgAfter.map(f2).join(' ')}`,
    '',
    'Requests',
  ];
  for (const s of [r.mesh, r.direct]) {
    lines.push(
      `  ${s.name.padEnd(8)} ${s.scheduled} scheduled, ${s.ok} ok, ${s.failed} failed, ${f1(s.achievedRps)} rps achieved`,
    );
  }
  lines.push(
    '',
    'Latency after warm-up, ms (from when each request was due to its last byte)',
    `  ${''.padEnd(8)} ${'p50'.padStart(8)} ${'p90'.padStart(8)} ${'p99'.padStart(8)} ${'p99.9'.padStart(8)} ${'max'.padStart(8)}`,
    latencyRow('mesh', r.mesh.latency),
    latencyRow('direct', r.direct.latency),
    `  added    ${f2(r.added.p50).padStart(8)} ${''.padStart(8)} ${f2(r.added.p99).padStart(8)} ${''.padStart(8)} ${f2(r.added.max).padStart(8)}`,
    `  whole run incl. warm-up: mesh max ${f2(r.mesh.latencyAll.max)}, direct max ${f2(r.direct.latencyAll.max)}`,
    `  generator send lag: p99 ${f2(r.generator.sendLagP99Ms)}, max ${f2(r.generator.sendLagMaxMs)}`,
    '',
    'Mesh latency over the run, ms (p99 / max per tenth)',
  );
  for (let i = 0; i < r.mesh.windows.length; i++) {
    const m = r.mesh.windows[i]!;
    const d = r.direct.windows[i];
    lines.push(
      `  ${f1(m.fromS).padStart(6)}–${f1(m.toS).padEnd(6)} s  mesh ${f2(m.p99).padStart(7)} / ${f2(m.max).padStart(7)}   direct ${f2(d?.p99 ?? 0).padStart(7)} / ${f2(d?.max ?? 0).padStart(7)}`,
    );
  }
  lines.push(
    '',
    'Resources (RSS start/end = medians of the first/last tenth after warm-up; CPU after warm-up)',
    `  ${''.padEnd(15)} ${'start'.padStart(8)} ${'end'.padStart(8)} ${'growth%'.padStart(8)} ${'peak'.padStart(8)} ${'cores'.padStart(8)} ${'cpu s'.padStart(8)}`,
    usageRow('proxy A (out)', r.proxies.outbound),
    usageRow('proxy B (in)', r.proxies.inbound),
    usageRow('backend', r.backend),
    ...Object.entries(r.heap).map(
      ([name, h]) =>
        `  ${name} proxy V8 heap used ${f1(h.heapUsed.start)} → ${f1(h.heapUsed.end)} MiB (peak ${f1(h.heapUsed.peak)}), heap total ${f1(h.heapTotal.start)} → ${f1(h.heapTotal.end)}, external ${f1(h.external.start)} → ${f1(h.external.end)}`,
    ),
    `  generator: ${f1(r.generator.cpuSeconds)} cpu s; proxy CPU per 1,000 rps: A ${f2((r.proxies.outbound.cpuCores * 1000) / o.rps)}, B ${f2((r.proxies.inbound.cpuCores * 1000) / o.rps)} cores`,
    `  machine: ${f2(r.machine.busyCores)} of ${r.machine.cores} cores busy after warm-up (everything on the machine, this soak included)`,
    '',
    'Checks',
  );
  for (const c of r.checks) {
    lines.push(`  ${c.passed ? 'pass' : 'FAIL'}  ${c.name}: ${c.measured} (required ${c.required})`);
  }
  for (const [name, log] of Object.entries(r.proxyLog)) {
    if (log.length > 0) lines.push('', `${name} proxy logged:`, ...log.map((l) => `  ${l}`));
  }
  lines.push('', r.passed ? 'soak passed' : 'soak FAILED');
  return lines.join('\n');
}
