import type { SavedTables } from './plan-install.js';
import {
  commentArgs,
  familiesOf,
  type IpFamily,
  type IptablesPlan,
  OUTPUT_CHAIN,
  type PlanStep,
  REDIRECT_CHAIN,
  TableCommands,
} from './plan-step.js';
import { type ProxyInitConfig, type ProxyInitOptions, toProxyInitConfig } from './proxy-init-options.js';
import { jumpsTo, parseSavedTable, rulesOf, type SavedNatTable } from './saved-table.js';

const JUMPS = [
  { from: 'PREROUTING', to: REDIRECT_CHAIN, comment: 'install-proxy-init-prerouting' },
  { from: 'OUTPUT', to: OUTPUT_CHAIN, comment: 'install-proxy-init-output' },
] as const;
const CHAINS = [REDIRECT_CHAIN, OUTPUT_CHAIN] as const;

/**
 * Plans the removal of everything {@link planIptables} installs: `-D` both jumps, `-F` both
 * chains, `-X` both chains, per family. A family whose saved table is not given is planned as if
 * the rules were installed (what `--cleanup --simulate` prints); with a saved table, only what is
 * there is removed (every jump to a PROXY_INIT chain, whatever its comment), so cleaning twice is
 * harmless. Pure: it runs nothing.
 *
 * @throws {AggregateConfigError} when `options` are invalid.
 */
export function planCleanup(
  options: ProxyInitOptions | ProxyInitConfig,
  saved: SavedTables = {},
): IptablesPlan {
  const config = toProxyInitConfig(options);
  const steps: PlanStep[] = [];
  for (const family of familiesOf(config)) steps.push(...planCleanupFamily(config, family, saved[family]));
  return { config, steps };
}

/** The cleanup steps of one family, planned from its saved table when given. */
export function planCleanupFamily(config: ProxyInitConfig, family: IpFamily, savedText?: string): PlanStep[] {
  const t = new TableCommands(config, family);
  const steps: PlanStep[] = [t.readStep()];
  if (savedText === undefined) {
    for (const j of JUMPS) {
      const rule = ['-j', j.to, ...commentArgs(j.comment)];
      steps.push(t.change(['-D', j.from, ...rule], [['-A', j.from, ...rule]]));
    }
    for (const chain of CHAINS) steps.push(t.change(['-F', chain], []));
    for (const chain of CHAINS) steps.push(t.change(['-X', chain], [['-N', chain]]));
  } else {
    steps.push(...plannedFromSaved(t, parseSavedTable(savedText)));
  }
  steps.push(t.dumpStep());
  return steps;
}

function plannedFromSaved(t: TableCommands, saved: SavedNatTable): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const j of JUMPS) {
    // Delete from the last match backwards so that, undone in reverse, each rule is re-inserted
    // at its original position into a chain that already holds the rules before it.
    const rules = rulesOf(saved, j.from);
    for (let index = rules.length - 1; index >= 0; index--) {
      const rule = rules[index]!;
      if (!jumpsTo(rule, j.to)) continue;
      steps.push(t.change(['-D', j.from, ...rule.spec], [['-I', j.from, String(index + 1), ...rule.spec]]));
    }
  }
  for (const chain of CHAINS) {
    if (!saved.chains.has(chain)) continue;
    const restore = rulesOf(saved, chain).map((r) => ['-A', chain, ...r.spec]);
    steps.push(t.change(['-F', chain], restore));
  }
  for (const chain of CHAINS) {
    if (saved.chains.has(chain)) steps.push(t.change(['-X', chain], [['-N', chain]]));
  }
  return steps;
}
