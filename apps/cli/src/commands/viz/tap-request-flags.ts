import type { Command } from 'commander';
import { Option } from 'commander';
import { parseResourceArg, type VizFlags } from './viz-options.js';

/** Flags shared by `tap` and `top`. */
export interface TapFlags extends VizFlags {
  maxRps: string;
  to?: string;
  toNamespace?: string;
  method?: string;
  scheme?: string;
  authority?: string;
  path?: string;
  selector?: string;
}

/** Adds Linkerd's tap filter flags. */
export function addTapFilterOptions(cmd: Command): Command {
  return cmd
    .option('--max-rps <rps>', 'maximum requests per second to tap', '100')
    .option('--to <resource>', 'only requests to this resource (deploy/web)')
    .option('--to-namespace <ns>', 'namespace of --to (default: -n)')
    .option('--method <method>', 'only requests with this HTTP method')
    .addOption(new Option('--scheme <scheme>', 'only requests with this scheme').choices(['http', 'https']))
    .option('--authority <authority>', 'only requests with this authority')
    .option('--path <prefix>', 'only requests whose path starts with this')
    .option('-l, --selector <selector>', 'label selector over pods');
}

/** The `/api/tap` body for a resource and the flags. */
export function tapRequestBody(args: string[], flags: TapFlags, extractHeaders: boolean): object {
  const target = parseResourceArg(args);
  const maxRps = Number(flags.maxRps);
  if (!(maxRps > 0)) throw new Error(`--max-rps: expected a positive number, got "${flags.maxRps}"`);
  const to = flags.to === undefined ? undefined : parseResourceArg(flags.to.split(' '), '--to');
  return {
    target: {
      kind: target.kind,
      namespace: target.kind === 'namespace' ? (target.name ?? flags.namespace) : flags.namespace,
      ...(target.name === undefined ? {} : { name: target.name }),
      ...(flags.selector === undefined ? {} : { labelSelector: flags.selector }),
    },
    ...(to === undefined
      ? {}
      : {
          to: {
            kind: to.kind,
            namespace: flags.toNamespace ?? flags.namespace,
            ...(to.name === undefined ? {} : { name: to.name }),
          },
        }),
    maxRps,
    ...(flags.method === undefined ? {} : { method: flags.method }),
    ...(flags.scheme === undefined ? {} : { scheme: flags.scheme }),
    ...(flags.authority === undefined ? {} : { authority: flags.authority }),
    ...(flags.path === undefined ? {} : { path: flags.path }),
    ...(extractHeaders ? { extractHeaders: true } : {}),
  };
}
