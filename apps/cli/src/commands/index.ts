import { checkCommand } from './check.js';
import { completionCommand } from './completion.js';
import { dashboardCommand } from './dashboard.js';
import { demoCommand } from './demo.js';
import { diagnosticsCommand } from './diagnostics.js';
import { edgesCommand } from './edges.js';
import { identityCommand } from './identity.js';
import { injectCommand } from './inject.js';
import { installCommand } from './install.js';
import type { SkeinCommand } from './registry.js';
import { routesCommand } from './routes.js';
import { statCommand } from './stat.js';
import { tapCommand } from './tap.js';
import { topCommand } from './top.js';
import { uninjectCommand } from './uninject.js';
import { uninstallCommand } from './uninstall.js';
import { upgradeCommand } from './upgrade.js';
import { versionCommand } from './version.js';

export type { SkeinCommand } from './registry.js';

/** Every `skein` command, in help order. Add a command by adding its file here. */
export const COMMANDS: readonly SkeinCommand[] = [
  installCommand,
  checkCommand,
  upgradeCommand,
  uninstallCommand,
  injectCommand,
  uninjectCommand,
  statCommand,
  topCommand,
  tapCommand,
  routesCommand,
  edgesCommand,
  dashboardCommand,
  demoCommand,
  diagnosticsCommand,
  identityCommand,
  versionCommand,
  completionCommand,
];
