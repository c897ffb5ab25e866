import type { EdgeRow } from '@skein/controller';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import { renderTable } from './viz/table-format.js';
import {
  addControllerOptions,
  controllerClient,
  outputOption,
  paint,
  parseResourceArg,
  useColor,
  type VizFlags,
} from './viz/viz-options.js';

interface EdgesFlags extends VizFlags {
  output: 'table' | 'wide' | 'json';
  timeWindow: string;
}

/** `skein edges KIND`: who talks to whom and whether over mTLS (Linkerd's `viz edges`). */
export const edgesCommand: SkeinCommand = {
  name: 'edges',
  register(program, io: CliIO) {
    const cmd = program
      .command('edges')
      .description('Display the connections between resources, and Linkerd proxy identities (mTLS).')
      .argument('<kind>', 'a workload kind (deploy, sts, ds, …) or po')
      .option('-t, --time-window <window>', 'window', '1m')
      .addOption(outputOption(['table', 'wide', 'json']));
    addControllerOptions(cmd, { allNamespaces: true }).action(async (kind: string, flags: EdgesFlags) => {
      const target = parseResourceArg([kind]);
      const client = await controllerClient(flags);
      const { rows } = await client.getJson<{ rows: EdgeRow[] }>('/api/edges', {
        kind: target.kind,
        ...(flags.allNamespaces ? { allNamespaces: 'true' } : { namespace: flags.namespace }),
        window: flags.timeWindow,
      });
      if (flags.output === 'json') {
        io.stdout(
          `${JSON.stringify(
            rows.map((r) => ({
              src: r.src.name,
              src_namespace: r.src.namespace,
              dst: r.dst.name,
              dst_namespace: r.dst.namespace,
              client_id: r.clientId ?? '',
              server_id: r.serverId ?? '',
              no_tls_reason: r.noTlsReason ?? '',
            })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      if (rows.length === 0) {
        io.stdout('No edges found.\n');
        return;
      }
      const wide = flags.output === 'wide';
      const color = useColor();
      const header = [
        'SRC',
        'DST',
        'SRC_NS',
        'DST_NS',
        'SECURED',
        ...(wide ? ['CLIENT_ID', 'SERVER_ID'] : []),
      ];
      const body = rows.map((r) => [
        r.src.name,
        r.dst.name,
        r.src.namespace,
        r.dst.namespace,
        r.secured ? '√' : (r.noTlsReason ?? 'no_identity'),
        ...(wide ? [r.clientId ?? '-', r.serverId ?? '-'] : []),
      ]);
      io.stdout(
        renderTable(header, body, {
          leftColumns: header.length,
          style: (row, col, text) =>
            row < 0
              ? paint(color, 'bold', text)
              : col === 4
                ? paint(color, rows[row]!.secured ? 'green' : 'yellow', text)
                : text,
        }),
      );
    });
  },
};
