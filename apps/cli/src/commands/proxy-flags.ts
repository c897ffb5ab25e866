import { INJECT_FLAGS } from '@skein/inject';
import type { Command } from 'commander';

/** Names of the boolean proxy flags. */
export const BOOLEAN_PROXY_FLAGS: readonly string[] = INJECT_FLAGS.filter(
  (f) => f.placeholder === undefined,
).map((f) => f.name);

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Adds Linkerd's proxy flags (`--proxy-image`, `--admin-port`, `--ingress`, …) to a command. */
export function addProxyFlags(command: Command): Command {
  for (const flag of INJECT_FLAGS) {
    const short = flag.short === undefined ? '' : `-${flag.short}, `;
    if (flag.placeholder === undefined) {
      command.option(`${short}--${flag.name}`, flag.description);
      command.option(`--no-${flag.name}`, `turn off --${flag.name}`);
    } else {
      command.option(`${short}--${flag.name} <${flag.placeholder}>`, flag.description);
    }
  }
  return command;
}

/** The proxy flags given on the command line, by long name. */
export function givenProxyFlags(options: Record<string, unknown>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const flag of INJECT_FLAGS) {
    const v = options[camel(flag.name)];
    if (typeof v === 'string' || typeof v === 'boolean') out[flag.name] = v;
  }
  return out;
}
