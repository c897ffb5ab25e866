import type { StatRow } from '@skein/controller';
import { selfSignedCertificate } from '@skein/testkit';
import { describe, expect, it } from 'vitest';
import { bashCompletion, fishCompletion } from '../src/commands/completion.js';
import { describeCertificates } from '../src/commands/identity.js';
import { renderStat } from '../src/commands/stat.js';
import { formatByteRate, formatLatency, formatRps, formatSuccess } from '../src/commands/viz/table-format.js';
import { parseResourceArg } from '../src/commands/viz/viz-options.js';
import { createProgram } from '../src/program.js';

const io = { stdout: () => {}, stderr: () => {}, readStdin: async () => '', setExitCode: () => {} };

const row = (name: string, stats: StatRow['stats'], meshed: number | null = 1): StatRow => ({
  resource: { kind: 'deployment', namespace: 'demo', name },
  meshedPods: meshed,
  runningPods: meshed === null ? null : 1,
  measuredFrom: stats === null ? null : 'inbound',
  stats,
  tcp: stats === null ? null : { openConnections: 2, readBytesPerSecond: 2048, writeBytesPerSecond: 10 },
});

describe("Linkerd's value formats", () => {
  it('formats success, rps, latency and byte rates', () => {
    expect(formatSuccess(11 / 12)).toBe('91.67%');
    expect(formatSuccess(null)).toBe('-');
    expect(formatRps(2.345)).toBe('2.3rps');
    expect(formatLatency(3.6)).toBe('4ms');
    expect(formatByteRate(2048)).toBe('2.0KB/s');
  });

  it('renders the stat table with right-aligned values', () => {
    const text = renderStat(
      [
        row('web', {
          successRate: 11 / 12,
          requestRate: 2.3,
          successPerSecond: 2.1,
          failurePerSecond: 0.2,
          latencyMs: { p50: 4, p95: 9.2, p99: 10 },
        }),
        row('idle', null),
      ],
      { allNamespaces: false, wide: false, color: false, showKind: false },
    );
    expect(text).toBe(
      [
        'NAME   MESHED   SUCCESS      RPS   LATENCY_P50   LATENCY_P95   LATENCY_P99   TCP_CONN',
        'web       1/1    91.67%   2.3rps           4ms           9ms          10ms          2',
        'idle      1/1         -        -             -             -             -          -',
        '',
      ].join('\n'),
    );
    expect(renderStat([], { allNamespaces: false, wide: false, color: false, showKind: false })).toBe(
      'No traffic found.\n',
    );
  });

  it('colors only when asked (a terminal)', () => {
    const r = [
      row('web', {
        successRate: 0.5,
        requestRate: 1,
        successPerSecond: 0.5,
        failurePerSecond: 0.5,
        latencyMs: { p50: 1, p95: 1, p99: 1 },
      }),
    ];
    expect(renderStat(r, { allNamespaces: true, wide: true, color: true, showKind: false })).toContain(
      '\u001b[31m',
    );
    expect(renderStat(r, { allNamespaces: true, wide: true, color: false, showKind: false })).not.toContain(
      '\u001b[',
    );
  });
});

describe('resource arguments', () => {
  it("accepts Linkerd's forms and names the accepted kinds otherwise", () => {
    expect(parseResourceArg(['deploy'])).toEqual({ kind: 'deployment' });
    expect(parseResourceArg(['deploy/web'])).toEqual({ kind: 'deployment', name: 'web' });
    expect(parseResourceArg(['po', 'web-0'])).toEqual({ kind: 'pod', name: 'web-0' });
    expect(parseResourceArg(['au'])).toEqual({ kind: 'authority' });
    expect(() => parseResourceArg(['gizmo/x'])).toThrow(
      /unknown resource kind "gizmo".*deployment \(deploy\)/,
    );
  });
});

describe('completion and identity', () => {
  it('completes every command and its flags', () => {
    const program = createProgram(io, '0.1.0');
    const bash = bashCompletion(program);
    for (const c of [
      'stat',
      'top',
      'tap',
      'routes',
      'edges',
      'diagnostics',
      'identity',
      'version',
      'completion',
    ]) {
      expect(bash).toContain(`"${c}") words="`);
    }
    expect(bash).toMatch(/"stat"\) words="[^"]*--time-window[^"]*--from/);
    expect(bash).toContain('"diagnostics") words="proxy-metrics endpoints profile');
    expect(fishCompletion(program)).toContain(
      'complete -c skein -n \'__fish_seen_subcommand_from tap\' -l max-rps -d "maximum requests per second to tap"\n',
    );
    expect(fishCompletion(program, false)).toContain(
      "complete -c skein -n '__fish_seen_subcommand_from tap' -l max-rps\n",
    );
  });

  it('describes a certificate chain', () => {
    const { cert } = selfSignedCertificate({
      commonName: 'web.demo.serviceaccount.identity.linkerd.cluster.local',
      altNames: ['web.demo.serviceaccount.identity.linkerd.cluster.local'],
    });
    const text = describeCertificates(cert);
    expect(text).toMatch(/^Certificate:\n {4}Serial Number: /);
    expect(text).toContain(
      'Subject Alternative Name: DNS:web.demo.serviceaccount.identity.linkerd.cluster.local',
    );
    expect(text).toContain('-----BEGIN CERTIFICATE-----');
  });
});
