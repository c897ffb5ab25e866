import {
  AggregateConfigError,
  ConfigError,
  MissingConfigError,
  type PortRange,
  parseNetwork,
} from '@skein/core';
import {
  binariesForMode,
  type FirewallBinaries,
  IPTABLES_MODES,
  type IptablesMode,
  ipv6Twin,
  modeFromBinPath,
} from './iptables-mode.js';
import { parsePort, parsePortList, parsePortNumbers } from './port-list.js';

/**
 * linkerd2-proxy-init's settings as a caller gives them (flags, a CNI config, code). Numbers may
 * be given as text; list entries may hold comma-separated values. Field names follow the flags:
 * `incomingProxyPort` is `--incoming-proxy-port`.
 */
export interface ProxyInitOptions {
  /** `-p/--incoming-proxy-port`: the proxy's inbound listener (Linkerd: 4143). Required. */
  readonly incomingProxyPort?: number | string;
  /** `-o/--outgoing-proxy-port`: the proxy's outbound listener (Linkerd: 4140). Required. */
  readonly outgoingProxyPort?: number | string;
  /** `-u/--proxy-uid`: traffic of this user skips the outbound redirect; -1 (default) for none. */
  readonly proxyUid?: number | string;
  /** `-g/--proxy-gid`: traffic of this group skips the outbound redirect; -1 (default) for none. */
  readonly proxyGid?: number | string;
  /** `-r/--ports-to-redirect`: when non-empty, only these inbound ports are redirected. */
  readonly portsToRedirect?: readonly (number | string)[];
  /** `--inbound-ports-to-ignore`: ports and `a-b` ranges the inbound chain lets through. */
  readonly inboundPortsToIgnore?: readonly string[];
  /** `--outbound-ports-to-ignore`: ports and `a-b` ranges the outbound chain lets through. */
  readonly outboundPortsToIgnore?: readonly string[];
  /** `--subnets-to-ignore`: CIDRs whose inbound traffic (by source) is not redirected. */
  readonly subnetsToIgnore?: readonly string[];
  /** `--netns`: path of the network namespace to configure (commands go through `nsenter`). */
  readonly netns?: string;
  /** `--iptables-mode`: `legacy`, `nft` or `plain`; unset derives it from `firewallBinPath`. */
  readonly iptablesMode?: string;
  /** `--ipv6`: also apply the rules with `ip6tables*` (default true). */
  readonly ipv6?: boolean;
  /** `--firewall-bin-path` (deprecated in Linkerd): the IPv4 `iptables` binary to run. */
  readonly firewallBinPath?: string;
  /** `--firewall-save-bin-path` (deprecated in Linkerd): the IPv4 `iptables-save` binary to run. */
  readonly firewallSaveBinPath?: string;
  /** `-w/--use-wait-flag`: pass `-w` so iptables waits for the xtables lock. */
  readonly useWaitFlag?: boolean;
  /** `--timeout-close-wait-secs`: sets `nf_conntrack_tcp_timeout_close_wait`; 0 (default) leaves it. */
  readonly timeoutCloseWaitSecs?: number | string;
}

/** Validated settings: every value checked and in its final form. Build it with {@link resolveProxyInitConfig}. */
export interface ProxyInitConfig {
  /** Marks a value produced by {@link resolveProxyInitConfig}. */
  readonly resolved: true;
  /** Inbound REDIRECT target port. */
  readonly incomingProxyPort: number;
  /** Outbound REDIRECT target port. */
  readonly outgoingProxyPort: number;
  /** -1 when unset; a RETURN rule is added only when > 0. */
  readonly proxyUid: number;
  /** -1 when unset; a RETURN rule is added only when > 0. */
  readonly proxyGid: number;
  /** Empty means redirect-all. */
  readonly portsToRedirect: readonly number[];
  /** Inbound ports and ranges that RETURN, in the order given. */
  readonly inboundPortsToIgnore: readonly PortRange[];
  /** Outbound ports and ranges that RETURN, in the order given. */
  readonly outboundPortsToIgnore: readonly PortRange[];
  /** The CIDRs as given (trimmed), each tagged with its family. */
  readonly subnetsToIgnore: readonly { readonly cidr: string; readonly family: 4 | 6 }[];
  /** Namespace path every command enters through `nsenter --net=`, or undefined for the current one. */
  readonly netns: string | undefined;
  /** The `--iptables-mode` in effect. */
  readonly mode: IptablesMode;
  /** True when a bin path flag chose a binary, so no fallback to other modes happens. */
  readonly binariesOverridden: boolean;
  /** The programs to run for each family. */
  readonly binaries: FirewallBinaries;
  /** Apply the rules through `ip6tables*` too. */
  readonly ipv6: boolean;
  /** Pass `-w` to the iptables commands. */
  readonly useWaitFlag: boolean;
  /** 0 when the sysctl is left alone. */
  readonly timeoutCloseWaitSecs: number;
}

const MAX_ID = 4294967294;

/**
 * Checks every setting and returns them in their final form. All problems are reported at once.
 *
 * @throws {AggregateConfigError} (code `ERR_SKEIN_CONFIG`) listing each bad flag, the value seen
 * and the expected form.
 */
export function resolveProxyInitConfig(options: ProxyInitOptions): ProxyInitConfig {
  const errors: ConfigError[] = [];
  const check = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof ConfigError) errors.push(err);
      else throw err;
      return fallback;
    }
  };
  const incomingProxyPort = check(() => requiredPort(options.incomingProxyPort, '--incoming-proxy-port'), 0);
  const outgoingProxyPort = check(() => requiredPort(options.outgoingProxyPort, '--outgoing-proxy-port'), 0);
  const proxyUid = check(() => parseId(options.proxyUid, '--proxy-uid'), -1);
  const proxyGid = check(() => parseId(options.proxyGid, '--proxy-gid'), -1);
  const portsToRedirect = check(
    () => parsePortNumbers(options.portsToRedirect ?? [], '--ports-to-redirect'),
    [],
  );
  const inboundPortsToIgnore = check(
    () => parsePortList(options.inboundPortsToIgnore ?? [], '--inbound-ports-to-ignore'),
    [],
  );
  const outboundPortsToIgnore = check(
    () => parsePortList(options.outboundPortsToIgnore ?? [], '--outbound-ports-to-ignore'),
    [],
  );
  const subnetsToIgnore = check(() => parseSubnets(options.subnetsToIgnore ?? []), []);
  const netns = check(() => parseNetns(options.netns), undefined);
  const firewallBinPath = check(
    () => parseBinPath(options.firewallBinPath, '--firewall-bin-path'),
    undefined,
  );
  const firewallSaveBinPath = check(
    () => parseBinPath(options.firewallSaveBinPath, '--firewall-save-bin-path'),
    undefined,
  );
  const mode = check(() => parseMode(options.iptablesMode, firewallBinPath), 'legacy' as IptablesMode);
  const timeoutCloseWaitSecs = check(() => parseSeconds(options.timeoutCloseWaitSecs), 0);
  if (errors.length > 0) throw new AggregateConfigError(errors);

  const defaults = binariesForMode(mode);
  const binaries: FirewallBinaries = {
    iptables: firewallBinPath ?? defaults.iptables,
    iptablesSave: firewallSaveBinPath ?? defaults.iptablesSave,
    ip6tables:
      firewallBinPath === undefined ? defaults.ip6tables : ipv6Twin(firewallBinPath, defaults.ip6tables),
    ip6tablesSave:
      firewallSaveBinPath === undefined
        ? defaults.ip6tablesSave
        : ipv6Twin(firewallSaveBinPath, defaults.ip6tablesSave),
  };
  return {
    resolved: true,
    incomingProxyPort,
    outgoingProxyPort,
    proxyUid,
    proxyGid,
    portsToRedirect,
    inboundPortsToIgnore,
    outboundPortsToIgnore,
    subnetsToIgnore,
    netns,
    mode,
    binariesOverridden: firewallBinPath !== undefined || firewallSaveBinPath !== undefined,
    binaries,
    ipv6: options.ipv6 ?? true,
    useWaitFlag: options.useWaitFlag ?? false,
    timeoutCloseWaitSecs,
  };
}

/** True when `value` came from {@link resolveProxyInitConfig}. */
export function isProxyInitConfig(value: ProxyInitOptions | ProxyInitConfig): value is ProxyInitConfig {
  return (value as Partial<ProxyInitConfig>).resolved === true;
}

/** Returns `value` when already resolved, otherwise resolves it. */
export function toProxyInitConfig(value: ProxyInitOptions | ProxyInitConfig): ProxyInitConfig {
  return isProxyInitConfig(value) ? value : resolveProxyInitConfig(value);
}

function requiredPort(value: number | string | undefined, flag: string): number {
  const text = value === undefined ? '' : String(value).trim();
  if (text === '')
    throw new MissingConfigError(flag, 'a TCP port in 1–65535 (Linkerd uses 4143 inbound, 4140 outbound)');
  const port = parsePort(text);
  if (port === undefined) throw new ConfigError(flag, text, 'a TCP port in 1–65535');
  return port;
}

function parseId(value: number | string | undefined, flag: string): number {
  if (value === undefined) return -1;
  const text = String(value).trim();
  const expected = `a numeric id in 0–${MAX_ID}, or -1 for none`;
  if (!/^-?\d{1,10}$/.test(text)) throw new ConfigError(flag, text, expected);
  const n = Number(text);
  if (n < -1 || n > MAX_ID) throw new ConfigError(flag, text, expected);
  return n;
}

function parseSubnets(entries: readonly string[]): { cidr: string; family: 4 | 6 }[] {
  const out: { cidr: string; family: 4 | 6 }[] = [];
  for (const text of entries) {
    for (const raw of text.split(',')) {
      const cidr = raw.trim();
      if (cidr === '') continue;
      const expected = 'CIDRs such as 10.0.0.0/8 or fd00::/8';
      if (!cidr.includes('/')) {
        throw new ConfigError(
          '--subnets-to-ignore',
          text,
          `${expected}; ${JSON.stringify(cidr)} has no /prefix`,
        );
      }
      try {
        out.push({ cidr, family: parseNetwork(cidr, '--subnets-to-ignore').address.family });
      } catch (err) {
        throw new ConfigError(
          '--subnets-to-ignore',
          text,
          `${expected}; ${JSON.stringify(cidr)} is not one`,
          {
            cause: err,
          },
        );
      }
    }
  }
  return out;
}

function parseNetns(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!value.startsWith('/') || value.includes('\0')) {
    throw new ConfigError('--netns', value, 'an absolute path to a network namespace, e.g. /run/netns/pod-a');
  }
  return value;
}

function parseBinPath(value: string | undefined, flag: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.includes('\0') || /\s/.test(value) || value.startsWith('-')) {
    throw new ConfigError(flag, value, 'a program name or path without spaces');
  }
  return value;
}

function parseMode(value: string | undefined, binPath: string | undefined): IptablesMode {
  if (value === undefined || value === '') return modeFromBinPath(binPath);
  const mode = IPTABLES_MODES.find((m) => m === value);
  if (mode === undefined)
    throw new ConfigError('--iptables-mode', value, IPTABLES_MODES.join(', ').replace(/, (\w+)$/, ' or $1'));
  return mode;
}

function parseSeconds(value: number | string | undefined): number {
  if (value === undefined) return 0;
  const text = String(value).trim();
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2147483647) {
    throw new ConfigError(
      '--timeout-close-wait-secs',
      text,
      'a whole number of seconds in 0–2147483647 (0 leaves the sysctl alone)',
    );
  }
  return Number(text);
}
