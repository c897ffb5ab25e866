/**
 * `@skein/proxy-init`: linkerd2-proxy-init's iptables rules as data. {@link planIptables} turns
 * the flags into the exact ordered commands (pure); {@link installIptables} and
 * {@link cleanupIptables} run them with rollback on failure.
 *
 * @packageDocumentation
 */
export { cleanupIptables, installIptables, type ProxyInitResult, type RunPlanOptions } from './apply-plan.js';
export {
  type CommandOutput,
  type CommandRunner,
  type ExecFileRunnerOptions,
  execFileRunner,
} from './command-runner.js';
export { commandIn, type FirewallCommand, formatCommandLine, shellQuote } from './firewall-command.js';
export {
  binariesForMode,
  FALLBACK_ORDER,
  type FirewallBinaries,
  IPTABLES_MODES,
  type IptablesMode,
  ipv6Twin,
  modeFromBinPath,
} from './iptables-mode.js';
export { NO_FIREWALL_BINARIES_CODE, withAvailableBinaries } from './mode-fallback.js';
export { planCleanup, planCleanupFamily } from './plan-cleanup.js';
export { planInstallFamily, planIptables, type SavedTables } from './plan-install.js';
export {
  type ChangeStep,
  CLOSE_WAIT_SYSCTL,
  COMMENT_PREFIX,
  type DumpTableStep,
  familiesOf,
  type IpFamily,
  type IptablesPlan,
  OUTPUT_CHAIN,
  type PlanStep,
  REDIRECT_CHAIN,
  type ReadTableStep,
  type SysctlStep,
} from './plan-step.js';
export { MULTIPORT_LIMIT, multiportGroups, parsePortList, parsePortNumbers } from './port-list.js';
export {
  FIREWALL_COMMAND_ERROR_CODE,
  FirewallCommandError,
  PROXY_INIT_ERROR_CODE,
  ProxyInitError,
} from './proxy-init-errors.js';
export {
  isProxyInitConfig,
  type ProxyInitConfig,
  type ProxyInitOptions,
  resolveProxyInitConfig,
  toProxyInitConfig,
} from './proxy-init-options.js';
export {
  jumpsTo,
  parseSavedTable,
  rulesOf,
  type SavedNatTable,
  type SavedRule,
  splitSaveWords,
} from './saved-table.js';
