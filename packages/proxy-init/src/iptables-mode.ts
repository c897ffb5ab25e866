/** Which iptables binaries to run, as linkerd2-proxy-init's `--iptables-mode` names them. */
export type IptablesMode = 'legacy' | 'nft' | 'plain';

/** Every mode, in the order binaries are tried when the chosen ones are missing. */
export const IPTABLES_MODES: readonly IptablesMode[] = ['legacy', 'nft', 'plain'];

/** The order linkerd2-proxy-init falls back in when a mode's binaries are missing. */
export const FALLBACK_ORDER: readonly IptablesMode[] = ['nft', 'plain', 'legacy'];

/** The four programs one run uses. */
export interface FirewallBinaries {
  /** Changes IPv4 rules, e.g. `iptables-legacy`. */
  readonly iptables: string;
  /** Prints the IPv4 table, e.g. `iptables-legacy-save`. */
  readonly iptablesSave: string;
  /** Changes IPv6 rules, e.g. `ip6tables-legacy`. */
  readonly ip6tables: string;
  /** Prints the IPv6 table, e.g. `ip6tables-legacy-save`. */
  readonly ip6tablesSave: string;
}

/** The binaries of a mode: `iptables-legacy`, `iptables-nft` or plain `iptables` (and their `-save` and `ip6` twins). */
export function binariesForMode(mode: IptablesMode): FirewallBinaries {
  const suffix = mode === 'plain' ? '' : `-${mode}`;
  return {
    iptables: `iptables${suffix}`,
    iptablesSave: `iptables${suffix}-save`,
    ip6tables: `ip6tables${suffix}`,
    ip6tablesSave: `ip6tables${suffix}-save`,
  };
}

/**
 * The mode implied by the deprecated `--firewall-bin-path` when `--iptables-mode` is not given:
 * a name containing `nft` means nft, `legacy` means legacy, a bare `iptables` means plain, and
 * anything else (or nothing) means legacy, linkerd2-proxy-init's default.
 */
export function modeFromBinPath(binPath: string | undefined): IptablesMode {
  if (binPath === undefined) return 'legacy';
  const base = binPath.slice(binPath.lastIndexOf('/') + 1);
  if (base.includes('nft')) return 'nft';
  if (base.includes('legacy')) return 'legacy';
  if (base === 'iptables') return 'plain';
  return 'legacy';
}

/**
 * The IPv6 twin of an IPv4 binary path: `…/iptables-nft` → `…/ip6tables-nft`. A path whose file
 * name does not start with `iptables` has no known twin, so `fallback` is used.
 */
export function ipv6Twin(binPath: string, fallback: string): string {
  const slash = binPath.lastIndexOf('/');
  const base = binPath.slice(slash + 1);
  if (!base.startsWith('iptables')) return fallback;
  return `${binPath.slice(0, slash + 1)}ip6${base.slice(2)}`;
}
