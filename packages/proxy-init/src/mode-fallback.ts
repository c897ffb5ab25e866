import { SkeinError } from '@skein/core';
import { binariesForMode, FALLBACK_ORDER, type FirewallBinaries } from './iptables-mode.js';
import type { ProxyInitConfig } from './proxy-init-options.js';

/** Code of the error {@link withAvailableBinaries} throws when no mode's binaries exist. */
export const NO_FIREWALL_BINARIES_CODE = 'ERR_SKEIN_NO_FIREWALL_BINARIES';

/**
 * Returns `config` with binaries that exist: the chosen mode's when they are all there, otherwise
 * the first of nft → plain → legacy (linkerd2-proxy-init's fallback order) whose binaries are all
 * there. Only the binaries a run needs are checked (the IPv6 ones only with `ipv6`). Binaries
 * chosen with a bin path flag are kept as they are: the caller asked for them.
 *
 * @param isAvailable tells whether a program can be run (e.g. found on PATH).
 * @throws {SkeinError} with code `ERR_SKEIN_NO_FIREWALL_BINARIES` naming what was looked for.
 */
export function withAvailableBinaries(
  config: ProxyInitConfig,
  isAvailable: (program: string) => boolean,
): ProxyInitConfig {
  if (config.binariesOverridden) return config;
  const needed = (b: FirewallBinaries) =>
    config.ipv6 ? [b.iptables, b.iptablesSave, b.ip6tables, b.ip6tablesSave] : [b.iptables, b.iptablesSave];
  const candidates = [config.mode, ...FALLBACK_ORDER.filter((m) => m !== config.mode)];
  for (const mode of candidates) {
    const binaries = binariesForMode(mode);
    if (needed(binaries).every(isAvailable)) return { ...config, mode, binaries };
  }
  const tried = candidates.map((m) => needed(binariesForMode(m)).join(', ')).join('; ');
  throw new SkeinError(
    NO_FIREWALL_BINARIES_CODE,
    `no iptables binaries found for any mode (looked for: ${tried})`,
  );
}
