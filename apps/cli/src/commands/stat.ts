import type { StatRow } from '@skein/controller';
import { shortKind } from '@skein/tap';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import {
  formatByteRate,
  formatLatency,
  formatRps,
  formatSuccess,
  NONE,
  renderTable,
} from './viz/table-format.js';
import {
  addControllerOptions,
  controllerClient,
  outputOption,
  paint,
  parseResourceArg,
  useColor,
  type VizFlags,
} from './viz/viz-options.js';

interface StatFlags extends VizFlags {
  timeWindow: string;
  from?: string;
  fromNamespace?: string;
  to?: string;
  toNamespace?: string;
  selector?: string;
  output: 'table' | 'wide' | 'json';
}

/** Builds the `/api/stat` query for a resource and the flags. */
export function statParams(args: string[], flags: StatFlags): Record<string, string | undefined> {
  const target = parseResourceArg(args);
  const ref = (prefix: 'from' | 'to', text: string | undefined, ns: string | undefined) => {
    if (text === undefined) return {};
    const r = parseResourceArg(text.split(' '), `--${prefix}`);
    return {
      [`${prefix}Kind`]: r.kind,
      [`${prefix}Name`]: r.name,
      [`${prefix}Namespace`]: ns ?? flags.namespace,
    };
  };
  return {
    kind: target.kind,
    name: target.name,
    ...(flags.allNamespaces ? { allNamespaces: 'true' } : { namespace: flags.namespace }),
    window: flags.timeWindow,
    labelSelector: flags.selector,
    ...ref('from', flags.from, flags.fromNamespace),
    ...ref('to', flags.to, flags.toNamespace),
  };
}

/** Linkerd's `stat -o json` objects. */
function jsonRows(rows: readonly StatRow[]): object[] {
  return rows.map((r) => ({
    namespace: r.resource.namespace,
    kind: r.resource.kind,
    name: r.resource.name,
    meshed: r.meshedPods === null ? NONE : `${r.meshedPods}/${r.runningPods}`,
    success: r.stats?.successRate ?? null,
    rps: r.stats?.requestRate ?? null,
    latency_ms_p50: r.stats?.latencyMs.p50 ?? null,
    latency_ms_p95: r.stats?.latencyMs.p95 ?? null,
    latency_ms_p99: r.stats?.latencyMs.p99 ?? null,
    tcp_open_connections: r.tcp?.openConnections ?? null,
    tcp_read_bytes_rate: r.tcp?.readBytesPerSecond ?? null,
    tcp_write_bytes_rate: r.tcp?.writeBytesPerSecond ?? null,
    measured_from: r.measuredFrom,
  }));
}

/** The stat table: NAME MESHED SUCCESS RPS LATENCY_P50 LATENCY_P95 LATENCY_P99 TCP_CONN. */
export function renderStat(
  rows: readonly StatRow[],
  options: { allNamespaces: boolean; wide: boolean; color: boolean; showKind: boolean },
): string {
  if (rows.length === 0) return 'No traffic found.\n';
  const header = [
    ...(options.allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'MESHED',
    'SUCCESS',
    'RPS',
    'LATENCY_P50',
    'LATENCY_P95',
    'LATENCY_P99',
    'TCP_CONN',
    ...(options.wide ? ['READ_BYTES/SEC', 'WRITE_BYTES/SEC'] : []),
  ];
  const body = rows.map((r) => [
    ...(options.allNamespaces ? [r.resource.namespace] : []),
    options.showKind ? `${shortKind(r.resource.kind)}/${r.resource.name}` : r.resource.name,
    r.meshedPods === null ? NONE : `${r.meshedPods}/${r.runningPods}`,
    formatSuccess(r.stats?.successRate),
    formatRps(r.stats?.requestRate),
    formatLatency(r.stats?.latencyMs.p50),
    formatLatency(r.stats?.latencyMs.p95),
    formatLatency(r.stats?.latencyMs.p99),
    r.tcp === null ? NONE : String(Math.round(r.tcp.openConnections)),
    ...(options.wide
      ? [formatByteRate(r.tcp?.readBytesPerSecond), formatByteRate(r.tcp?.writeBytesPerSecond)]
      : []),
  ]);
  const successCol = header.indexOf('SUCCESS');
  return renderTable(header, body, {
    leftColumns: options.allNamespaces ? 2 : 1,
    style: (row, col, text) => {
      if (row < 0) return paint(options.color, 'bold', text);
      const rate = rows[row]!.stats?.successRate;
      if (col !== successCol || rate === null || rate === undefined) return text;
      return paint(options.color, rate >= 0.95 ? 'green' : rate >= 0.8 ? 'yellow' : 'red', text);
    },
  });
}

/** `skein stat RESOURCE [NAME]`: Linkerd's `viz stat`. */
export const statCommand: SkeinCommand = {
  name: 'stat',
  register(program, io: CliIO) {
    const cmd = program
      .command('stat')
      .description(
        'Display traffic stats about one or many resources (deploy, po, svc, ns, au, sts, ds, job, …).',
      )
      .argument('<resource...>', 'a kind (deploy), kind/name (deploy/web) or kind name')
      .option('-t, --time-window <window>', 'stat window, e.g. 30s, 1m, 10m', '1m')
      .option('--from <resource>', 'only traffic from this resource (deploy/web)')
      .option('--from-namespace <ns>', 'namespace of --from (default: -n)')
      .option('--to <resource>', 'only traffic to this resource')
      .option('--to-namespace <ns>', 'namespace of --to (default: -n)')
      .option('-l, --selector <selector>', 'label selector over pods (app=web)')
      .addOption(outputOption(['table', 'wide', 'json']));
    addControllerOptions(cmd, { allNamespaces: true }).action(async (args: string[], flags: StatFlags) => {
      if (flags.from !== undefined && flags.to !== undefined)
        throw new Error('--from and --to cannot be used together');
      const client = await controllerClient(flags);
      const { rows } = await client.getJson<{ rows: StatRow[] }>('/api/stat', statParams(args, flags));
      if (flags.output === 'json') {
        io.stdout(`${JSON.stringify(jsonRows(rows), null, 2)}\n`);
        return;
      }
      io.stdout(
        renderStat(rows, {
          allNamespaces: flags.allNamespaces === true,
          wide: flags.output === 'wide',
          color: useColor(),
          showKind: false,
        }),
      );
    });
  },
};
