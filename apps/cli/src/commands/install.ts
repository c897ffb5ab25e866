import {
  formatManifest,
  type OutputFormat,
  renderControlPlane,
  renderCrds,
  resolveInstallConfig,
} from '@skein/install';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import {
  addInstallValueFlags,
  BOOLEAN_INSTALL_FLAGS,
  type InstallValueFlags,
  installInputFromFlags,
} from './install-flags.js';
import type { SkeinCommand } from './registry.js';

interface InstallFlags extends InstallValueFlags {
  crds?: boolean;
  output: OutputFormat;
  linkerdNamespace: string;
}

/** `skein install [--crds]`: Linkerd's `linkerd install`, rendering Skein's control plane for `kubectl apply -f -`. */
export const installCommand: SkeinCommand = {
  name: 'install',
  booleanFlags: [...BOOLEAN_INSTALL_FLAGS, 'crds'],
  register(program, io: CliIO) {
    const command = program
      .command('install')
      .description(
        'Output the Kubernetes manifests of the Skein control plane (Linkerd-compatible). Run with --crds first:\n' +
          '  skein install --crds | kubectl apply -f -\n  skein install | kubectl apply -f -',
      )
      .option('--crds', 'output the CustomResourceDefinitions only')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
      )
      .option(
        '-L, --linkerd-namespace <namespace>',
        'namespace of the control plane',
        process.env.LINKERD_NAMESPACE ?? 'linkerd',
      )
      .option('--ignore-cluster', 'accepted for compatibility: skein install never reads the cluster');
    addInstallValueFlags(command).action(async (options: InstallFlags) => {
      const version = options.controlPlaneVersion ?? program.version() ?? 'dev';
      if (options.crds === true) {
        io.stdout(
          formatManifest(renderCrds({ namespace: options.linkerdNamespace, version }), options.output),
        );
        return;
      }
      const warn = (m: string) => io.stderr(`warning: ${m}\n`);
      const input = await installInputFromFlags(options, warn);
      const config = resolveInstallConfig({
        version,
        namespace: options.linkerdNamespace,
        values: input.values,
        sources: input.sources,
        ...(input.identity === undefined ? {} : { identity: input.identity }),
      });
      for (const w of config.warnings) warn(w);
      io.stdout(formatManifest(renderControlPlane(config), options.output));
    });
  },
};
