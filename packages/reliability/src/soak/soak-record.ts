import type { ReliabilityResult } from '@skein/testkit';
import type { SoakReport } from './run-soak.ts';

function durationLabel(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

/**
 * The `docs/reliability.md` row of a soak that passed: id `two-proxy-mtls-<rps>rps-<duration>`,
 * the scenario, the required figures and the measured ones.
 * @throws Error when the soak did not pass (only passing runs are recorded).
 */
export function soakReliabilityResult(r: SoakReport): ReliabilityResult {
  if (!r.passed) throw new Error('soakReliabilityResult: the soak did not pass; nothing to record');
  const o = r.options;
  const label = durationLabel(o.durationMs);
  const f = (v: number) => v.toFixed(1);
  const { outbound, inbound } = r.proxies;
  return {
    suite: 'soak',
    id: `two-proxy-mtls-${o.rps}rps-${label}`,
    scenario: `${label} at ${o.rps} rps (open loop, ${o.bodyBytes} B responses): client → skein-proxy → mTLS → skein-proxy → backend, with the same load sent directly to the backend in the same run`,
    expected: `0 failed requests; each proxy's RSS grows < ${o.maxRssGrowthPct}% after ${o.warmupFraction * 100}% warm-up; added max latency ≤ ${o.maxAddedMaxLatencyMs} ms`,
    measured:
      `${r.mesh.ok}/${r.mesh.scheduled} ok at ${f(r.mesh.achievedRps)} rps; ` +
      `mesh p50/p99/max ${r.mesh.latency.p50.toFixed(2)}/${r.mesh.latency.p99.toFixed(2)}/${f(r.mesh.latency.max)} ms vs direct ${r.direct.latency.p50.toFixed(2)}/${r.direct.latency.p99.toFixed(2)}/${f(r.direct.latency.max)} ms (added max ${f(r.added.max)} ms); ` +
      `RSS A ${f(outbound.rssStartMiB)}→${f(outbound.rssEndMiB)} MiB (${outbound.rssGrowthPct.toFixed(2)}%), B ${f(inbound.rssStartMiB)}→${f(inbound.rssEndMiB)} MiB (${inbound.rssGrowthPct.toFixed(2)}%); ` +
      `CPU A ${outbound.cpuCores.toFixed(2)}, B ${inbound.cpuCores.toFixed(2)} cores; machine ${r.machine.busyCores.toFixed(2)}/${r.machine.cores} cores busy`,
    passed: true,
  };
}
