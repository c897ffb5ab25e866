import { parseDuration } from '@skein/core';
import {
  CheckContext,
  checkCategories,
  formatCheckJson,
  formatCheckResult,
  formatStatusLine,
  kubeClusterReader,
  loadKubeConfig,
  runChecks,
} from '@skein/install';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { CheckProgress } from './check-progress.js';
import { addClusterFlags, type ClusterFlags } from './install-flags.js';
import type { SkeinCommand } from './registry.js';

interface CheckFlags extends ClusterFlags {
  pre?: boolean;
  crds?: boolean;
  proxy?: boolean;
  namespace?: string;
  wait: string;
  output: 'table' | 'json' | 'short';
}

/** `skein check`: Linkerd's `linkerd check` (√ / ‼ / ×, hints, `--wait`, `-o json`, exit 1 on failure). */
export const checkCommand: SkeinCommand = {
  name: 'check',
  booleanFlags: ['pre', 'crds', 'proxy'],
  register(program, io: CliIO) {
    const command = program
      .command('check')
      .description('Check the Skein (Linkerd-compatible) installation for problems.')
      .option('--pre', 'check that the cluster is ready for skein install')
      .option('--crds', 'check only the CRDs (after skein install --crds)')
      .option('--proxy', 'also check the data-plane proxies')
      .option('-n, --namespace <namespace>', 'namespace of the data-plane checks (default: all)')
      .option('--wait <duration>', 'how long checks may keep failing while the control plane starts', '5m')
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['table', 'json', 'short'])
          .default('table'),
      );
    addClusterFlags(command).action(async (options: CheckFlags) => {
      const waitMs = parseDuration(options.wait, '--wait');
      const kc = loadKubeConfig({
        ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
        ...(options.context === undefined ? {} : { context: options.context }),
      });
      const context = new CheckContext({
        cluster: kubeClusterReader(kc),
        namespace: options.linkerdNamespace,
        cliVersion: program.version() ?? 'dev',
        ...(options.namespace === undefined ? {} : { dataPlaneNamespace: options.namespace }),
      });
      const table = options.output === 'table';
      const progress = table ? new CheckProgress(io, process.stdout.isTTY === true) : undefined;
      const report = await runChecks({
        categories: checkCategories({
          pre: options.pre === true,
          crds: options.crds === true,
          proxy: options.proxy === true,
        }),
        context,
        waitMs,
        ...(progress === undefined ? {} : { onEvent: progress.onEvent }),
      });
      if (progress !== undefined) progress.finish(report);
      else if (options.output === 'json') io.stdout(formatCheckJson(report));
      else {
        for (const c of report.categories)
          for (const r of c.checks) if (r.result !== 'success') io.stdout(formatCheckResult(r));
        io.stdout(formatStatusLine(report.success));
      }
      if (!report.success) io.setExitCode(1);
    });
  },
};
