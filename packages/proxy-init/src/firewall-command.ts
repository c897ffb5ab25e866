/** One program run: what `execFile` gets (no shell is involved). */
export interface FirewallCommand {
  /** The program, looked up on PATH when it has no slash. */
  readonly file: string;
  /** Its arguments, passed as they are. */
  readonly args: readonly string[];
}

/**
 * Builds a command, run inside the network namespace `netns` (a path such as
 * `/run/netns/pod-a` or `/proc/123/ns/net`) through `nsenter --net=<netns> --` when given.
 */
export function commandIn(netns: string | undefined, file: string, args: readonly string[]): FirewallCommand {
  if (netns === undefined) return { file, args };
  return { file: 'nsenter', args: [`--net=${netns}`, '--', file, ...args] };
}

// Characters a POSIX shell treats literally in an unquoted word.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell: unchanged when safe, otherwise in single quotes. */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command as one shell-quoted line, e.g. `iptables-legacy -t nat -N PROXY_INIT_OUTPUT`. */
export function formatCommandLine(command: FirewallCommand): string {
  return [command.file, ...command.args].map(shellQuote).join(' ');
}
