import { canonicalKind, type ResourceKind } from '@skein/controller';
import { type Command, Option } from 'commander';
import type { CliIO } from '../../cli-io.js';
import { findController } from './controller-address.js';
import { ControllerClient } from './controller-client.js';

/** Flags every command that talks to the controller takes. */
export interface VizFlags {
  apiAddr?: string;
  linkerdNamespace?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** Adds `--api-addr`, `-L`, `--kubeconfig`, `--context`, `-n`. */
export function addControllerOptions(cmd: Command, options: { allNamespaces?: boolean } = {}): Command {
  cmd
    .option(
      '--api-addr <host:port>',
      'the Skein controller API (else SKEIN_API_ADDR, a running local mesh, or the Kubernetes API service proxy)',
    )
    .option(
      '-L, --linkerd-namespace <ns>',
      'namespace of the linkerd-controller Service, for the Kubernetes path (env LINKERD_NAMESPACE)',
    )
    .option('--kubeconfig <path>', 'kubeconfig for the Kubernetes path')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <ns>', 'namespace of the resource', 'default');
  if (options.allNamespaces) cmd.option('-A, --all-namespaces', 'every namespace');
  return cmd;
}

/** `-o` with the given choices. */
export function outputOption(choices: string[], fallback = 'table'): Option {
  return new Option('-o, --output <format>', 'output format').choices(choices).default(fallback);
}

/** The client for the controller these flags point at. */
export async function controllerClient(flags: VizFlags): Promise<ControllerClient> {
  const target = await findController(flags, process.env);
  return new ControllerClient(target, flags);
}

/** A resource named on the command line: `deploy`, `deploy/web`, `deploy web`. */
export interface ResourceArg {
  readonly kind: ResourceKind;
  readonly name?: string;
}

/**
 * Parses Linkerd's resource argument forms.
 * @throws Error naming the accepted kinds.
 */
export function parseResourceArg(args: readonly string[], what = 'resource'): ResourceArg {
  const [first, second] = args;
  if (first === undefined || first === '')
    throw new Error(`${what}: expected a resource such as deploy, deploy/web or po web-0`);
  const slash = first.indexOf('/');
  const kindText = slash < 0 ? first : first.slice(0, slash);
  const name = slash < 0 ? second : first.slice(slash + 1);
  let kind: ResourceKind;
  try {
    kind = canonicalKind(kindText, what);
  } catch {
    throw new Error(
      `unknown resource kind "${kindText}" in ${what} "${args.join(' ')}": expected one of namespace (ns), deployment (deploy), statefulset (sts), daemonset (ds), job, cronjob, replicaset (rs), replicationcontroller (rc), pod (po), service (svc), authority (au)`,
    );
  }
  return name === undefined || name === '' ? { kind } : { kind, name };
}

/** Whether to color output: standard output is a terminal and NO_COLOR is unset. */
export function useColor(): boolean {
  return process.stdout.isTTY === true && (process.env.NO_COLOR ?? '') === '' && process.env.TERM !== 'dumb';
}

/** Wraps text in an ANSI color when `on`. */
export function paint(on: boolean, code: 'bold' | 'red' | 'green' | 'yellow', text: string): string {
  if (!on) return text;
  const c = { bold: 1, red: 31, green: 32, yellow: 33 }[code];
  return `\u001b[${c}m${text}\u001b[0m`;
}

/** Runs until SIGINT/SIGTERM (or the returned promise of `run` ends); gives `run` the abort signal. */
export async function untilInterrupted(
  io: CliIO,
  run: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await run(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  void io;
}
