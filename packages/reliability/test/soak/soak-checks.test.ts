import { describe, expect, it } from 'vitest';
import type { StreamResult } from '../../src/soak/load-plan.ts';
import type { ProcessUsage } from '../../src/soak/resource-usage.ts';
import { soakChecks } from '../../src/soak/soak-checks.ts';
import { DEFAULT_SOAK_OPTIONS } from '../../src/soak/soak-options.ts';

function stream(name: string, max: number, failed = 0): StreamResult {
  const latency = { count: 1000 - failed, p50: 1, p90: 2, p99: 3, p999: 4, max, mean: 1 };
  return {
    name,
    scheduled: 1000,
    ok: 1000 - failed,
    failed,
    failures: failed > 0 ? { 'status 502': failed } : {},
    firstFailures: [],
    latency,
    latencyAll: latency,
    windows: [],
    achievedRps: failed > 0 ? 1990 : 2000,
  };
}

function usage(growth: number): ProcessUsage {
  return {
    rssStartMiB: 100,
    rssEndMiB: 100 + growth,
    rssPeakMiB: 120,
    rssPeakAfterWarmupMiB: 110,
    rssGrowthPct: growth,
    cpuCores: 0.2,
    cpuSeconds: 10,
  };
}

const failing = (checks: ReturnType<typeof soakChecks>) => checks.filter((c) => !c.passed).map((c) => c.name);

describe('soakChecks', () => {
  it('passes a clean run', () => {
    const checks = soakChecks(
      {
        mesh: stream('mesh', 40),
        direct: stream('direct', 5),
        proxies: { outbound: usage(1), inbound: usage(-1) },
        exited: [],
      },
      DEFAULT_SOAK_OPTIONS,
    );
    expect(failing(checks)).toEqual([]);
    expect(checks.find((c) => c.name.startsWith('added max'))?.measured).toBe('35.0 ms (40.0 ms − 5.0 ms)');
  });

  it('fails on any failed request, RSS growth at the limit, a dead process, or more than 50 ms added', () => {
    const checks = soakChecks(
      {
        mesh: stream('mesh', 60.1, 3),
        direct: stream('direct', 10),
        proxies: { outbound: usage(5), inbound: usage(4.99) },
        exited: ['inbound proxy exited (code 1, signal null)'],
      },
      DEFAULT_SOAK_OPTIONS,
    );
    expect(failing(checks)).toEqual([
      'mesh: failed requests',
      'processes alive',
      'outbound proxy: RSS growth after warm-up',
      'added max latency (mesh max − direct max)',
    ]);
    expect(checks[0]!.measured).toBe('3 of 1000 (3× status 502)');
  });
});
