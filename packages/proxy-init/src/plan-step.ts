import { commandIn, type FirewallCommand } from './firewall-command.js';
import type { ProxyInitConfig } from './proxy-init-options.js';

/** The address family a step works on: `iptables*` or `ip6tables*`. */
export type IpFamily = 'ipv4' | 'ipv6';

/** The inbound chain PREROUTING jumps to. */
export const REDIRECT_CHAIN = 'PROXY_INIT_REDIRECT';
/** The outbound chain OUTPUT jumps to. */
export const OUTPUT_CHAIN = 'PROXY_INIT_OUTPUT';
/** Every rule's comment starts with this. */
export const COMMENT_PREFIX = 'proxy-init/';
/** The conntrack sysctl `--timeout-close-wait-secs` sets. */
export const CLOSE_WAIT_SYSCTL = 'net.netfilter.nf_conntrack_tcp_timeout_close_wait';

/** Reads the nat table (`iptables-save -t nat`); later steps are planned from its output. */
export interface ReadTableStep {
  readonly kind: 'read-table';
  /** Which table: `iptables-save` or `ip6tables-save`. */
  readonly family: IpFamily;
  /** The `iptables-save -t nat` command. */
  readonly command: FirewallCommand;
}

/** Changes the table; `undo` (run in order) restores what the change altered. */
export interface ChangeStep {
  readonly kind: 'change';
  /** Which table the change is made in. */
  readonly family: IpFamily;
  /** The iptables command making the change. */
  readonly command: FirewallCommand;
  /** Commands that restore what `command` changed (empty when there is nothing to restore). */
  readonly undo: readonly FirewallCommand[];
}

/** Prints the table once the changes are in, for the log. */
export interface DumpTableStep {
  readonly kind: 'dump-table';
  /** Which table is printed. */
  readonly family: IpFamily;
  /** The `iptables-save -t nat` command. */
  readonly command: FirewallCommand;
}

/** Sets a sysctl; `read` gives the old value so that a rollback can put it back. */
export interface SysctlStep {
  readonly kind: 'sysctl';
  /** The sysctl name, e.g. `net.netfilter.nf_conntrack_tcp_timeout_close_wait`. */
  readonly key: string;
  /** The value written. */
  readonly value: string;
  /** `sysctl -w key=value`. */
  readonly command: FirewallCommand;
  /** `sysctl -n key`, run first to remember the old value. */
  readonly read: FirewallCommand;
}

/** One step of a plan. */
export type PlanStep = ReadTableStep | ChangeStep | DumpTableStep | SysctlStep;

/** An ordered list of steps and the settings it was planned from. */
export interface IptablesPlan {
  /** The validated settings the plan was made from. */
  readonly config: ProxyInitConfig;
  /** The steps, in the order they run. */
  readonly steps: readonly PlanStep[];
}

/** The families a config applies to: IPv4, then IPv6 when `ipv6` is on. */
export function familiesOf(config: ProxyInitConfig): IpFamily[] {
  return config.ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
}

/** Builds the commands of one family: binaries, namespace and wait flag applied. */
export class TableCommands {
  readonly family: IpFamily;
  readonly #config: ProxyInitConfig;
  readonly #bin: string;
  readonly #save: string;

  constructor(config: ProxyInitConfig, family: IpFamily) {
    this.family = family;
    this.#config = config;
    this.#bin = family === 'ipv4' ? config.binaries.iptables : config.binaries.ip6tables;
    this.#save = family === 'ipv4' ? config.binaries.iptablesSave : config.binaries.ip6tablesSave;
  }

  /** `iptables [-w] -t nat <args>`. */
  nat(args: readonly string[]): FirewallCommand {
    const wait = this.#config.useWaitFlag ? ['-w'] : [];
    return commandIn(this.#config.netns, this.#bin, [...wait, '-t', 'nat', ...args]);
  }

  /** `iptables-save -t nat`. */
  save(): FirewallCommand {
    return commandIn(this.#config.netns, this.#save, ['-t', 'nat']);
  }

  /** A step that reads the table. */
  readStep(): ReadTableStep {
    return { kind: 'read-table', family: this.family, command: this.save() };
  }

  /** A step that dumps the table. */
  dumpStep(): DumpTableStep {
    return { kind: 'dump-table', family: this.family, command: this.save() };
  }

  /** A change step from nat-table arguments and the arguments of its undo commands. */
  change(args: readonly string[], undo: readonly (readonly string[])[]): ChangeStep {
    return {
      kind: 'change',
      family: this.family,
      command: this.nat(args),
      undo: undo.map((u) => this.nat(u)),
    };
  }
}

/** `-m comment --comment proxy-init/<name>`. */
export function commentArgs(name: string): string[] {
  return ['-m', 'comment', '--comment', `${COMMENT_PREFIX}${name}`];
}

/** The sysctl step for `--timeout-close-wait-secs`, or nothing when it is 0. */
export function sysctlSteps(config: ProxyInitConfig): SysctlStep[] {
  if (config.timeoutCloseWaitSecs <= 0) return [];
  const value = String(config.timeoutCloseWaitSecs);
  return [
    {
      kind: 'sysctl',
      key: CLOSE_WAIT_SYSCTL,
      value,
      command: commandIn(config.netns, 'sysctl', ['-w', `${CLOSE_WAIT_SYSCTL}=${value}`]),
      read: commandIn(config.netns, 'sysctl', ['-n', CLOSE_WAIT_SYSCTL]),
    },
  ];
}
