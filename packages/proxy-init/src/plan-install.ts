import {
  type ChangeStep,
  commentArgs,
  familiesOf,
  type IpFamily,
  type IptablesPlan,
  OUTPUT_CHAIN,
  type PlanStep,
  REDIRECT_CHAIN,
  sysctlSteps,
  TableCommands,
} from './plan-step.js';
import { multiportGroups } from './port-list.js';
import { type ProxyInitConfig, type ProxyInitOptions, toProxyInitConfig } from './proxy-init-options.js';
import { jumpsTo, parseSavedTable, rulesOf, type SavedNatTable } from './saved-table.js';

/** `iptables-save -t nat` output per family, as read before planning. */
export interface SavedTables {
  readonly ipv4?: string;
  readonly ipv6?: string;
}

/**
 * Plans the rules of linkerd2-proxy-init (spec §6.2) for every family: the sysctl when asked,
 * then per family `iptables-save -t nat`, the inbound chain, the outbound chain and a final dump.
 * A family whose saved table is not given is planned as if its table were empty (that is what
 * `--simulate` prints). Pure: it runs nothing.
 *
 * @throws {AggregateConfigError} when `options` are invalid.
 */
export function planIptables(
  options: ProxyInitOptions | ProxyInitConfig,
  saved: SavedTables = {},
): IptablesPlan {
  const config = toProxyInitConfig(options);
  const steps: PlanStep[] = [...sysctlSteps(config)];
  for (const family of familiesOf(config)) steps.push(...planInstallFamily(config, family, saved[family]));
  return { config, steps };
}

/**
 * The install steps of one family, planned from its saved table: a chain that exists is flushed
 * (`-F`) instead of created (`-N`), and a jump rule already in PREROUTING or OUTPUT is not added
 * again, so running twice leaves one set of rules.
 */
export function planInstallFamily(config: ProxyInitConfig, family: IpFamily, savedText?: string): PlanStep[] {
  const t = new TableCommands(config, family);
  const saved = parseSavedTable(savedText ?? '');
  return [t.readStep(), ...inboundChain(config, t, saved), ...outboundChain(config, t, saved), t.dumpStep()];
}

function inboundChain(config: ProxyInitConfig, t: TableCommands, saved: SavedNatTable): ChangeStep[] {
  const chain = REDIRECT_CHAIN;
  const steps = [createOrFlush(t, saved, chain)];
  steps.push(...ignorePorts(t, chain, config.inboundPortsToIgnore));
  const familyNumber = t.family === 'ipv4' ? 4 : 6;
  for (const { cidr, family } of config.subnetsToIgnore) {
    if (family === familyNumber)
      steps.push(append(t, chain, ['-p', 'all', '-j', 'RETURN', '-s', cidr], `ignore-subnet-${cidr}`));
  }
  const to = String(config.incomingProxyPort);
  if (config.portsToRedirect.length === 0) {
    steps.push(
      append(
        t,
        chain,
        ['-p', 'tcp', '-j', 'REDIRECT', '--to-port', to],
        'redirect-all-incoming-to-proxy-port',
      ),
    );
  } else {
    for (const port of config.portsToRedirect) {
      const spec = ['-p', 'tcp', '--destination-port', String(port), '-j', 'REDIRECT', '--to-port', to];
      steps.push(append(t, chain, spec, `redirect-port-${port}-to-proxy-port`));
    }
  }
  steps.push(...installJump(t, saved, 'PREROUTING', chain, 'install-proxy-init-prerouting'));
  return steps;
}

function outboundChain(config: ProxyInitConfig, t: TableCommands, saved: SavedNatTable): ChangeStep[] {
  const chain = OUTPUT_CHAIN;
  const steps = [createOrFlush(t, saved, chain)];
  if (config.proxyUid > 0) {
    steps.push(
      append(
        t,
        chain,
        ['-m', 'owner', '--uid-owner', String(config.proxyUid), '-j', 'RETURN'],
        'ignore-proxy-user-id',
      ),
    );
  }
  if (config.proxyGid > 0) {
    steps.push(
      append(
        t,
        chain,
        ['-m', 'owner', '--gid-owner', String(config.proxyGid), '-j', 'RETURN'],
        'ignore-proxy-group-id',
      ),
    );
  }
  steps.push(append(t, chain, ['-o', 'lo', '-j', 'RETURN'], 'ignore-loopback'));
  steps.push(...ignorePorts(t, chain, config.outboundPortsToIgnore));
  const to = String(config.outgoingProxyPort);
  steps.push(
    append(t, chain, ['-p', 'tcp', '-j', 'REDIRECT', '--to-port', to], 'redirect-all-outgoing-to-proxy-port'),
  );
  steps.push(...installJump(t, saved, 'OUTPUT', chain, 'install-proxy-init-output'));
  return steps;
}

/** `-N chain`, or `-F chain` when it exists; undoing a flush puts the old rules back. */
function createOrFlush(t: TableCommands, saved: SavedNatTable, chain: string): ChangeStep {
  if (!saved.chains.has(chain)) return t.change(['-N', chain], [['-X', chain]]);
  const restore = rulesOf(saved, chain).map((r) => ['-A', chain, ...r.spec]);
  return t.change(['-F', chain], restore);
}

function append(t: TableCommands, chain: string, spec: readonly string[], comment: string): ChangeStep {
  const rule = [...spec, ...commentArgs(comment)];
  return t.change(['-A', chain, ...rule], [['-D', chain, ...rule]]);
}

function ignorePorts(
  t: TableCommands,
  chain: string,
  ports: ProxyInitConfig['inboundPortsToIgnore'],
): ChangeStep[] {
  return multiportGroups(ports).map((group) => {
    const list = group.join(',');
    return append(
      t,
      chain,
      ['-p', 'tcp', '--match', 'multiport', '--dports', list, '-j', 'RETURN'],
      `ignore-port-${list}`,
    );
  });
}

function installJump(
  t: TableCommands,
  saved: SavedNatTable,
  from: string,
  to: string,
  comment: string,
): ChangeStep[] {
  if (rulesOf(saved, from).some((r) => jumpsTo(r, to))) return [];
  return [append(t, from, ['-j', to], comment)];
}
