import { renderTapJson, renderTapLine, type TapEventRecord } from '@skein/tap';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import { addTapFilterOptions, type TapFlags, tapRequestBody } from './viz/tap-request-flags.js';
import {
  addControllerOptions,
  controllerClient,
  outputOption,
  paint,
  untilInterrupted,
  useColor,
} from './viz/viz-options.js';

function colored(line: string, e: TapEventRecord, on: boolean): string {
  if (!on) return line;
  if (e.responseInit !== undefined && e.responseInit.status >= 500) return paint(on, 'red', line);
  if (
    e.responseEnd !== undefined &&
    ((e.responseEnd.grpcStatus ?? 0) !== 0 || e.responseEnd.resetCode !== undefined)
  )
    return paint(on, 'red', line);
  return line;
}

/** `skein tap RESOURCE`: live requests (Linkerd's `viz tap`), until interrupted. */
export const tapCommand: SkeinCommand = {
  name: 'tap',
  register(program, io: CliIO) {
    const cmd = program
      .command('tap')
      .description('Listen to a traffic stream: request, response and end events of live requests.')
      .argument('<resource...>', 'deploy/web, po web-0, ns demo, …')
      .addOption(outputOption(['', 'wide', 'json'], ''));
    addTapFilterOptions(addControllerOptions(cmd)).action(
      async (args: string[], flags: TapFlags & { output: string }) => {
        const json = flags.output === 'json';
        const body = tapRequestBody(args, flags, json);
        const client = await controllerClient(flags);
        const color = useColor();
        await untilInterrupted(io, async (signal) => {
          for await (const value of client.postStream('/api/tap', body, signal)) {
            const e = value as TapEventRecord;
            io.stdout(
              json
                ? `${renderTapJson(e)}\n`
                : `${colored(renderTapLine(e, { wide: flags.output === 'wide' }), e, color)}\n`,
            );
          }
        });
      },
    );
  },
};
