import type { RouteRow } from '@skein/controller';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import { formatLatency, formatRps, formatSuccess, renderTable } from './viz/table-format.js';
import {
  addControllerOptions,
  controllerClient,
  outputOption,
  paint,
  parseResourceArg,
  useColor,
  type VizFlags,
} from './viz/viz-options.js';

interface RoutesFlags extends VizFlags {
  output: 'table' | 'wide' | 'json';
  timeWindow: string;
  to?: string;
  toNamespace?: string;
}

/** `skein routes RESOURCE`: per-route stats from ServiceProfiles (Linkerd's `viz routes`). */
export const routesCommand: SkeinCommand = {
  name: 'routes',
  register(program, io: CliIO) {
    const cmd = program
      .command('routes')
      .description('Display route stats (per ServiceProfile route) of a resource.')
      .argument('<resource...>', 'svc/web, deploy/web, or kind name')
      .option('-t, --time-window <window>', 'window', '1m')
      .option('--to <resource>', 'only requests the resource sent to this one')
      .option('--to-namespace <ns>', 'namespace of --to (default: -n)')
      .addOption(outputOption(['table', 'wide', 'json']));
    addControllerOptions(cmd).action(async (args: string[], flags: RoutesFlags) => {
      const target = parseResourceArg(args);
      const to = flags.to === undefined ? undefined : parseResourceArg(flags.to.split(' '), '--to');
      const client = await controllerClient(flags);
      const { rows } = await client.getJson<{ rows: RouteRow[] }>('/api/routes', {
        kind: target.kind,
        name: target.name,
        namespace: flags.namespace,
        window: flags.timeWindow,
        ...(to === undefined
          ? {}
          : { toKind: to.kind, toName: to.name, toNamespace: flags.toNamespace ?? flags.namespace }),
      });
      if (flags.output === 'json') {
        io.stdout(
          `${JSON.stringify(
            rows.map((r) => ({
              route: r.route,
              authority: r.authority,
              success: r.stats?.successRate ?? null,
              rps: r.stats?.requestRate ?? null,
              latency_ms_p50: r.stats?.latencyMs.p50 ?? null,
              latency_ms_p95: r.stats?.latencyMs.p95 ?? null,
              latency_ms_p99: r.stats?.latencyMs.p99 ?? null,
            })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      if (rows.length === 0) {
        io.stdout('No routes found: add a ServiceProfile for the service, or send traffic.\n');
        return;
      }
      const color = useColor();
      const body = rows.map((r) => [
        r.route,
        r.authority.split('.')[0]?.replace(/:\d+$/, '') ?? r.authority,
        formatSuccess(r.stats?.successRate),
        formatRps(r.stats?.requestRate),
        formatLatency(r.stats?.latencyMs.p50),
        formatLatency(r.stats?.latencyMs.p95),
        formatLatency(r.stats?.latencyMs.p99),
      ]);
      io.stdout(
        renderTable(
          ['ROUTE', 'SERVICE', 'SUCCESS', 'RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99'],
          body,
          {
            leftColumns: 2,
            style: (row, _col, text) => (row < 0 ? paint(color, 'bold', text) : text),
          },
        ),
      );
    });
  },
};
