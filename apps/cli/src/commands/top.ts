import { renderTopTable, type TapEventRecord, TopTable } from '@skein/tap';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import { addTapFilterOptions, type TapFlags, tapRequestBody } from './viz/tap-request-flags.js';
import { addControllerOptions, controllerClient, untilInterrupted, useColor } from './viz/viz-options.js';

/**
 * `skein top RESOURCE`: the most frequent paths seen by tap, with count, best/worst/last
 * latency and success rate. On a terminal the table is redrawn every second; otherwise it is
 * printed every `--interval` and once more at the end.
 */
export const topCommand: SkeinCommand = {
  name: 'top',
  register(program, io: CliIO) {
    const cmd = program
      .command('top')
      .description('Display sorted information about live traffic (most frequent paths first).')
      .argument('<resource...>', 'deploy/web, po web-0, ns demo, …')
      .option('--max-rows <n>', 'rows to show', '20')
      .option('--interval <seconds>', 'seconds between tables when not on a terminal', '5');
    addTapFilterOptions(addControllerOptions(cmd)).action(
      async (args: string[], flags: TapFlags & { maxRows: string; interval: string }) => {
        const body = tapRequestBody(args, flags, false);
        const maxRows = Number(flags.maxRows);
        const interval = Number(flags.interval);
        if (!Number.isInteger(maxRows) || maxRows < 1)
          throw new Error(`--max-rows: expected a positive integer, got "${flags.maxRows}"`);
        if (!(interval > 0))
          throw new Error(`--interval: expected a positive number of seconds, got "${flags.interval}"`);
        const client = await controllerClient(flags);
        const table = new TopTable();
        const tty = useColor();
        const draw = () => {
          const text = renderTopTable(table.rows(), maxRows);
          io.stdout(tty ? `\u001b[2J\u001b[H${text}` : `${text}\n`);
        };
        const timer = setInterval(draw, tty ? 1000 : interval * 1000);
        try {
          await untilInterrupted(io, async (signal) => {
            for await (const value of client.postStream('/api/tap', body, signal))
              table.add(value as TapEventRecord);
          });
        } finally {
          clearInterval(timer);
        }
        draw();
      },
    );
  },
};
