import { describe, expect, it } from 'vitest';
import { runSoak } from '../../src/soak/run-soak.ts';
import { DEFAULT_SOAK_OPTIONS } from '../../src/soak/soak-options.ts';
import { formatSoakSummary } from '../../src/soak/soak-summary.ts';

// The soak's machinery at a low rate for a few seconds: real skein-identity, two skein-proxy
// processes with mTLS between them, the backend and the generator as processes. It checks what
// the harness measures and accounts for, not the soak's limits (that is the soak itself:
// `npm run soak`, and `npm run soak:ci` in CI).
describe('soak harness', () => {
  it('runs the mesh, accounts for every request, and samples both proxies', async () => {
    const report = await runSoak({
      ...DEFAULT_SOAK_OPTIONS,
      durationMs: 6_000,
      rps: 100,
      warmupFraction: 0.25,
      connections: 8,
      sampleIntervalMs: 250,
      heap: true,
    });
    expect(report.direct).toMatchObject({ scheduled: 600, ok: 600, failed: 0 });
    expect(report.mesh.scheduled).toBe(600);
    expect(report.mesh.ok + report.mesh.failed).toBe(600);
    expect(report.mesh.ok).toBeGreaterThan(0);
    // Through two proxies a request takes longer than directly, at the median at least.
    expect(report.mesh.latency.p50).toBeGreaterThan(report.direct.latency.p50);
    for (const usage of [report.proxies.outbound, report.proxies.inbound]) {
      expect(usage.rssStartMiB).toBeGreaterThan(20);
      expect(usage.rssPeakMiB).toBeGreaterThanOrEqual(usage.rssEndMiB);
      expect(usage.cpuSeconds).toBeGreaterThan(0);
    }
    expect(report.heap.outbound?.heapUsed.start).toBeGreaterThan(1);
    expect(report.heap.inbound?.heapTotal.end).toBeGreaterThan(1);
    expect(report.checks.map((c) => c.name)).toEqual([
      'mesh: failed requests',
      'direct: failed requests',
      'mesh: rate held',
      'processes alive',
      'outbound proxy: RSS growth after warm-up',
      'inbound proxy: RSS growth after warm-up',
      'added max latency (mesh max − direct max)',
    ]);
    expect(report.checks.find((c) => c.name === 'processes alive')?.passed).toBe(true);
    const summary = formatSoakSummary(report);
    expect(summary).toContain('mesh     600 scheduled');
    expect(summary).toMatch(/proxy A \(out\)\s+\d/);
    expect(summary).toMatch(/outbound proxy V8 heap used/);
  }, 60_000);
});
