import { ConfigError } from '@skein/core';
import type { ProxyInitOptions } from '@skein/proxy-init';
import { Command, CommanderError, Option } from 'commander';

/** What the command line asked for. */
export interface CliRequest {
  /** The rule settings, as given (validated later by `resolveProxyInitConfig`). */
  readonly options: ProxyInitOptions;
  /** Print the commands instead of running them. */
  readonly simulate: boolean;
  /** Remove the rules instead of installing them (a Skein addition). */
  readonly cleanup: boolean;
  readonly logFormat: string;
  readonly logLevel: string;
}

/** The outcome of parsing: a request, or an exit (help, version, or a usage error already printed). */
export type CliParse =
  | { readonly kind: 'run'; readonly request: CliRequest }
  | { readonly kind: 'exit'; readonly code: number };

/** Where the parser writes help and usage errors. */
export interface CliOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** pflag-style booleans: `--ipv6`, `--ipv6=true`, `--ipv6=false`. */
function parseFlagBool(flag: string): (value: string) => boolean {
  // Commander passes the preset (`true`, for a bare flag) through the parser too.
  return (value: string | boolean) => {
    if (value === true || value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new ConfigError(flag, String(value), 'true or false');
  };
}

function boolOption(flags: string, description: string, name: string, defaultValue: boolean): Option {
  return new Option(flags, description).argParser(parseFlagBool(name)).preset(true).default(defaultValue);
}

/** Builds the `skein-proxy-init` command: linkerd2-proxy-init's flags, short forms and defaults. */
export function buildProgram(output: CliOutput): Command {
  const program = new Command('skein-proxy-init')
    .description(
      "Configures a pod's iptables (nat table) so that its inbound and outbound TCP goes through the Skein proxy. Compatible with linkerd2-proxy-init's flags.",
    )
    .option(
      '-p, --incoming-proxy-port <port>',
      "port of the proxy's inbound listener (Linkerd: 4143); required",
    )
    .option(
      '-o, --outgoing-proxy-port <port>',
      "port of the proxy's outbound listener (Linkerd: 4140); required",
    )
    .option('-u, --proxy-uid <uid>', "the proxy's user id: its own traffic is not redirected", '-1')
    .option('-g, --proxy-gid <gid>', "the proxy's group id: its own traffic is not redirected", '-1')
    .option(
      '-r, --ports-to-redirect <ports>',
      'redirect only these inbound ports (repeatable, comma-separated); default all',
      collect,
    )
    .option(
      '--inbound-ports-to-ignore <ports>',
      'inbound ports or a-b ranges not to redirect (repeatable)',
      collect,
    )
    .option(
      '--outbound-ports-to-ignore <ports>',
      'outbound ports or a-b ranges not to redirect (repeatable)',
      collect,
    )
    .option(
      '--subnets-to-ignore <cidrs>',
      'source CIDRs whose inbound traffic is not redirected (repeatable)',
      collect,
    )
    .addOption(
      boolOption('--simulate [bool]', 'print the commands instead of running them', '--simulate', false),
    )
    .option('--netns <path>', 'network namespace to configure (commands run through nsenter --net=<path>)')
    .addOption(
      boolOption(
        '-w, --use-wait-flag [bool]',
        'pass -w to iptables to wait for the xtables lock',
        '--use-wait-flag',
        false,
      ),
    )
    .option(
      '--timeout-close-wait-secs <secs>',
      'set net.netfilter.nf_conntrack_tcp_timeout_close_wait (0: leave it)',
      '0',
    )
    .option('--log-format <format>', 'plain or json', 'plain')
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info')
    .option('--iptables-mode <mode>', 'legacy, nft or plain (default: from --firewall-bin-path, else legacy)')
    .addOption(boolOption('--ipv6 [bool]', 'also apply the rules with ip6tables', '--ipv6', true))
    .option(
      '--firewall-bin-path <path>',
      'iptables binary to run (deprecated in Linkerd: prefer --iptables-mode)',
    )
    .option(
      '--firewall-save-bin-path <path>',
      'iptables-save binary to run (deprecated in Linkerd: prefer --iptables-mode)',
    )
    .addOption(
      boolOption(
        '--cleanup [bool]',
        'Skein: remove the PROXY_INIT chains and jumps instead of installing them',
        '--cleanup',
        false,
      ),
    )
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr });
  return program;
}

interface RawFlags {
  incomingProxyPort?: string;
  outgoingProxyPort?: string;
  proxyUid: string;
  proxyGid: string;
  portsToRedirect?: string[];
  inboundPortsToIgnore?: string[];
  outboundPortsToIgnore?: string[];
  subnetsToIgnore?: string[];
  simulate: boolean;
  netns?: string;
  useWaitFlag: boolean;
  timeoutCloseWaitSecs: string;
  logFormat: string;
  logLevel: string;
  iptablesMode?: string;
  ipv6: boolean;
  firewallBinPath?: string;
  firewallSaveBinPath?: string;
  cleanup: boolean;
}

/**
 * Parses `argv` (without node and the script). Usage errors (unknown flag, missing value, bad
 * boolean) are printed to `output.writeErr` and give exit code 1; `--help` gives 0.
 */
export function parseCli(argv: readonly string[], output: CliOutput): CliParse {
  const program = buildProgram(output);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help')
        return { kind: 'exit', code: 0 };
      return { kind: 'exit', code: 1 };
    }
    if (err instanceof ConfigError) {
      output.writeErr(`error: ${err.message}\n`);
      return { kind: 'exit', code: 1 };
    }
    throw err;
  }
  const f = program.opts<RawFlags>();
  return {
    kind: 'run',
    request: {
      options: {
        incomingProxyPort: f.incomingProxyPort,
        outgoingProxyPort: f.outgoingProxyPort,
        proxyUid: f.proxyUid,
        proxyGid: f.proxyGid,
        portsToRedirect: f.portsToRedirect ?? [],
        inboundPortsToIgnore: f.inboundPortsToIgnore ?? [],
        outboundPortsToIgnore: f.outboundPortsToIgnore ?? [],
        subnetsToIgnore: f.subnetsToIgnore ?? [],
        netns: f.netns,
        iptablesMode: f.iptablesMode,
        ipv6: f.ipv6,
        firewallBinPath: f.firewallBinPath,
        firewallSaveBinPath: f.firewallSaveBinPath,
        useWaitFlag: f.useWaitFlag,
        timeoutCloseWaitSecs: f.timeoutCloseWaitSecs,
      },
      simulate: f.simulate,
      cleanup: f.cleanup,
      logFormat: f.logFormat,
      logLevel: f.logLevel,
    },
  };
}
