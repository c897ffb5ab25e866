import { type Logger, nullLogger } from '@skein/core';
import { type CommandRunner, execFileRunner } from './command-runner.js';
import { commandIn, type FirewallCommand, formatCommandLine } from './firewall-command.js';
import { planCleanupFamily } from './plan-cleanup.js';
import { planInstallFamily } from './plan-install.js';
import {
  type ChangeStep,
  familiesOf,
  type IpFamily,
  type PlanStep,
  sysctlSteps,
  TableCommands,
} from './plan-step.js';
import { FirewallCommandError, ProxyInitError } from './proxy-init-errors.js';
import { type ProxyInitConfig, type ProxyInitOptions, toProxyInitConfig } from './proxy-init-options.js';

/** Options of {@link installIptables} and {@link cleanupIptables}. */
export interface RunPlanOptions {
  /** Runs each command; default {@link execFileRunner}. */
  readonly runner?: CommandRunner;
  /** Gets each command (debug), the final tables (info) and rollbacks (warn). */
  readonly logger?: Logger;
}

/** What a successful run did. */
export interface ProxyInitResult {
  /** The changes applied, in order. */
  readonly changes: readonly ChangeStep[];
  /** The nat table of each family after the changes (`iptables-save -t nat`). */
  readonly tables: Readonly<Partial<Record<IpFamily, string>>>;
}

/**
 * Installs the PROXY_INIT chains: reads each family's table, plans from it
 * ({@link planInstallFamily}) and runs the changes in order. On the first failure, every change
 * already made (the sysctl and the other family included) is undone in reverse order, and a
 * {@link ProxyInitError} is thrown: nothing is left half-applied.
 *
 * @throws {AggregateConfigError} for invalid options, before anything runs.
 * @throws {ProxyInitError} when a command fails.
 */
export async function installIptables(
  options: ProxyInitOptions | ProxyInitConfig,
  run: RunPlanOptions = {},
): Promise<ProxyInitResult> {
  const config = toProxyInitConfig(options);
  return transact('installing the proxy-init rules', config, planInstallFamily, true, run);
}

/**
 * Removes the PROXY_INIT chains and jumps that are present ({@link planCleanupFamily}), with the
 * same stop-and-roll-back behaviour as {@link installIptables}.
 *
 * @throws {AggregateConfigError} for invalid options, before anything runs.
 * @throws {ProxyInitError} when a command fails.
 */
export async function cleanupIptables(
  options: ProxyInitOptions | ProxyInitConfig,
  run: RunPlanOptions = {},
): Promise<ProxyInitResult> {
  const config = toProxyInitConfig(options);
  return transact('cleaning up the proxy-init rules', config, planCleanupFamily, false, run);
}

type FamilyPlanner = (config: ProxyInitConfig, family: IpFamily, saved?: string) => PlanStep[];

async function transact(
  action: string,
  config: ProxyInitConfig,
  planFamily: FamilyPlanner,
  withSysctl: boolean,
  run: RunPlanOptions,
): Promise<ProxyInitResult> {
  const runner = run.runner ?? execFileRunner();
  const log = run.logger ?? nullLogger;
  const exec = (command: FirewallCommand) => {
    log.debug({ command: formatCommandLine(command) }, 'running');
    return runner(command);
  };
  const undoStack: (readonly FirewallCommand[])[] = [];
  const changes: ChangeStep[] = [];
  const tables: Partial<Record<IpFamily, string>> = {};
  try {
    for (const step of withSysctl ? sysctlSteps(config) : []) {
      const old = (await exec(step.read)).stdout.trim();
      await exec(step.command);
      undoStack.push([commandIn(config.netns, 'sysctl', ['-w', `${step.key}=${old}`])]);
    }
    for (const family of familiesOf(config)) {
      const saved = (await exec(new TableCommands(config, family).save())).stdout;
      for (const step of planFamily(config, family, saved)) {
        if (step.kind === 'change') {
          await exec(step.command);
          undoStack.push(step.undo);
          changes.push(step);
        } else if (step.kind === 'dump-table') {
          tables[family] = await dumpTable(exec, step.command, family, log);
        }
      }
    }
  } catch (err) {
    if (!(err instanceof FirewallCommandError)) throw err;
    const rollbackErrors = await rollback(exec, undoStack, log);
    throw new ProxyInitError(action, err, undoStack.length, rollbackErrors);
  }
  log.info({ changes: changes.length }, `${action}: done`);
  return { changes, tables };
}

async function dumpTable(
  exec: CommandRunner,
  command: FirewallCommand,
  family: IpFamily,
  log: Logger,
): Promise<string | undefined> {
  try {
    const table = (await exec(command)).stdout;
    log.info({ family }, `${family} nat table after the changes:\n${table.trimEnd()}`);
    return table;
  } catch (err) {
    // The changes are in; a table that cannot be printed is worth a warning, not a rollback.
    log.warn({ family, err }, 'could not print the nat table');
    return undefined;
  }
}

async function rollback(
  exec: CommandRunner,
  undoStack: (readonly FirewallCommand[])[],
  log: Logger,
): Promise<FirewallCommandError[]> {
  const failures: FirewallCommandError[] = [];
  for (let i = undoStack.length - 1; i >= 0; i--) {
    for (const command of undoStack[i]!) {
      try {
        await exec(command);
      } catch (err) {
        if (!(err instanceof FirewallCommandError)) throw err;
        log.warn({ err: err.message }, 'undo command failed');
        failures.push(err);
      }
    }
  }
  if (undoStack.length > 0) log.warn({ undone: undoStack.length }, 'rolled back the applied changes');
  return failures;
}
