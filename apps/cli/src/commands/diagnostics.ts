import { diagnoseEndpoints, diagnoseProfile, formatEndpoints, formatProfile } from '@skein/discovery';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import {
  addControllerOptions,
  controllerClient,
  parseResourceArg,
  type VizFlags,
} from './viz/viz-options.js';

interface PodSummary {
  namespace: string;
  name: string;
  owner: { kind: string; name: string } | null;
  meshed: boolean;
}

/** The meshed pods of a resource argument (`po/web-0`, `deploy/web`), via `/api/pods` and `/api/stat`. */
export async function podsOf(
  args: string[],
  flags: VizFlags,
): Promise<{ client: Awaited<ReturnType<typeof controllerClient>>; pods: PodSummary[] }> {
  const target = parseResourceArg(args);
  const client = await controllerClient(flags);
  const { pods } = await client.getJson<{ pods: PodSummary[] }>('/api/pods', { namespace: flags.namespace });
  let chosen: PodSummary[];
  if (target.kind === 'pod') chosen = pods.filter((p) => target.name === undefined || p.name === target.name);
  else if (target.kind === 'namespace') chosen = pods;
  else
    chosen = pods.filter(
      (p) => p.owner?.kind === target.kind && (target.name === undefined || p.owner.name === target.name),
    );
  if (chosen.length === 0)
    throw new Error(`no pods found for ${args.join(' ')} in namespace ${flags.namespace ?? 'default'}`);
  return { client, pods: chosen };
}

function destinationOptions(flags: { destinationAddr?: string }) {
  return { address: flags.destinationAddr ?? process.env.SKEIN_DESTINATION_ADDR ?? 'localhost:8086' };
}

/** `skein diagnostics {proxy-metrics,endpoints,profile}`. */
export const diagnosticsCommand: SkeinCommand = {
  name: 'diagnostics',
  register(program, io: CliIO) {
    const diag = program
      .command('diagnostics')
      .description('Commands used to diagnose the mesh.')
      .option(
        '--destination-addr <host:port>',
        'the destination service for endpoints and profile (env SKEIN_DESTINATION_ADDR, default localhost:8086)',
      );
    const destination = (flags: { destinationAddr?: string }) =>
      destinationOptions({
        destinationAddr:
          flags.destinationAddr ?? (diag.opts() as { destinationAddr?: string }).destinationAddr,
      });
    const metrics = diag
      .command('proxy-metrics')
      .description('Fetch the proxy metrics of a pod, or of every pod of a workload (po/web-0, deploy/web).')
      .argument('<resource...>', 'po/name, deploy/name, …');
    addControllerOptions(metrics).action(async (args: string[], flags: VizFlags) => {
      const { client, pods } = await podsOf(args, flags);
      for (const [i, p] of pods.entries()) {
        io.stdout(`#\n# POD ${p.name} (${i + 1} of ${pods.length})\n#\n`);
        if (!p.meshed) {
          io.stdout('# not meshed\n');
          io.setExitCode(1);
          continue;
        }
        io.stdout(
          await client.getText(
            `/api/pods/${encodeURIComponent(p.namespace)}/${encodeURIComponent(p.name)}/metrics`,
          ),
        );
      }
    });
    diag
      .command('endpoints')
      .description('Introspect the destination service: the endpoints of an authority (host:port).')
      .argument('<authorities...>', 'e.g. web.demo.svc.cluster.local:80')
      .option(
        '--destination-addr <host:port>',
        'the destination service (env SKEIN_DESTINATION_ADDR, default localhost:8086)',
      )
      .option('-o, --output <format>', 'table or json', 'table')
      .action(async (authorities: string[], flags: { destinationAddr?: string; output: string }) => {
        for (const authority of authorities) {
          const d = await diagnoseEndpoints(authority, destination(flags));
          io.stdout(flags.output === 'json' ? `${JSON.stringify(d, null, 2)}\n` : formatEndpoints(d));
          if (!d.exists) io.setExitCode(1);
        }
      });
    diag
      .command('profile')
      .description('Introspect the destination service: the ServiceProfile of an address.')
      .argument('<address>', 'host:port or ip:port')
      .option(
        '--destination-addr <host:port>',
        'the destination service (env SKEIN_DESTINATION_ADDR, default localhost:8086)',
      )
      .action(async (address: string, flags: { destinationAddr?: string }) => {
        const d = await diagnoseProfile(address, destination(flags));
        io.stdout(formatProfile(d));
      });
  },
};
