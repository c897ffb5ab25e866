import type { StreamResult } from './load-plan.ts';
import type { ProcessUsage } from './resource-usage.ts';
import type { SoakOptions } from './soak-options.ts';

/** One acceptance check of a soak: what was required and what was measured. */
export interface SoakCheck {
  name: string;
  required: string;
  measured: string;
  passed: boolean;
}

/** What the checks look at. */
export interface SoakMeasurements {
  mesh: StreamResult;
  direct: StreamResult;
  proxies: Record<'outbound' | 'inbound', ProcessUsage>;
  /** Processes that exited during the run, with how. */
  exited: string[];
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * The soak's acceptance checks: no failed request (through the mesh, and directly, since a
 * failing baseline would make the comparison meaningless), the load held its rate, no process
 * died, each proxy's RSS grew less than the limit after warm-up, and the mesh added at most
 * the limit to the direct run's maximum latency.
 */
export function soakChecks(m: SoakMeasurements, options: SoakOptions): SoakCheck[] {
  const checks: SoakCheck[] = [];
  for (const s of [m.mesh, m.direct]) {
    const kinds = Object.entries(s.failures)
      .map(([k, n]) => `${n}× ${k}`)
      .join(', ');
    checks.push({
      name: `${s.name}: failed requests`,
      required: '0',
      measured: s.failed === 0 ? `0 of ${s.scheduled}` : `${s.failed} of ${s.scheduled} (${kinds})`,
      passed: s.failed === 0 && s.ok === s.scheduled,
    });
  }
  const floor = options.rps * 0.99;
  checks.push({
    name: 'mesh: rate held',
    required: `≥ ${floor.toFixed(0)} rps (99% of ${options.rps})`,
    measured: `${m.mesh.achievedRps.toFixed(1)} rps`,
    passed: m.mesh.achievedRps >= floor,
  });
  checks.push({
    name: 'processes alive',
    required: 'identity, backend and both proxies running to the end',
    measured: m.exited.length === 0 ? 'all running' : m.exited.join('; '),
    passed: m.exited.length === 0,
  });
  for (const [name, usage] of Object.entries(m.proxies)) {
    checks.push({
      name: `${name} proxy: RSS growth after warm-up`,
      required: `< ${options.maxRssGrowthPct}%`,
      measured: `${usage.rssGrowthPct.toFixed(2)}% (${usage.rssStartMiB.toFixed(1)} → ${usage.rssEndMiB.toFixed(1)} MiB)`,
      passed: usage.rssGrowthPct < options.maxRssGrowthPct,
    });
  }
  const added = m.mesh.latency.max - m.direct.latency.max;
  checks.push({
    name: 'added max latency (mesh max − direct max)',
    required: `≤ ${options.maxAddedMaxLatencyMs} ms`,
    measured: `${ms(added)} (${ms(m.mesh.latency.max)} − ${ms(m.direct.latency.max)})`,
    passed: m.mesh.latency.count > 0 && m.direct.latency.count > 0 && added <= options.maxAddedMaxLatencyMs,
  });
  return checks;
}
