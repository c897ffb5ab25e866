import {
  formatManifest,
  InstallError,
  InstallErrorCode,
  kubeClusterReader,
  loadKubeConfig,
  type OutputFormat,
  readInstallation,
  renderControlPlane,
  renderCrds,
  resolveInstallConfig,
  resolveUpgradeConfig,
  uninstallObjects,
} from '@skein/install';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { addClusterFlags, type ClusterFlags } from './install-flags.js';
import type { SkeinCommand } from './registry.js';

interface UninstallFlags extends ClusterFlags {
  output: OutputFormat;
}

/** `skein uninstall`: every object of the installation, in reverse install order, for `kubectl delete -f -`. */
export const uninstallCommand: SkeinCommand = {
  name: 'uninstall',
  register(program, io: CliIO) {
    const command = program
      .command('uninstall')
      .description(
        'Output the objects of the control plane and its CRDs, in reverse install order, to delete them:\n' +
          '  skein uninstall | kubectl delete -f -',
      )
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
      );
    addClusterFlags(command).action(async (options: UninstallFlags) => {
      const version = program.version() ?? 'dev';
      const kc = loadKubeConfig({
        ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
        ...(options.context === undefined ? {} : { context: options.context }),
      });
      const namespace = options.linkerdNamespace;
      let config: ReturnType<typeof resolveInstallConfig>;
      try {
        const installation = await readInstallation(kubeClusterReader(kc), namespace);
        config = resolveUpgradeConfig(installation, { version: installation.version ?? version, namespace });
      } catch (err) {
        if (!(err instanceof InstallError) || err.code !== InstallErrorCode.Cluster) throw err;
        io.stderr(
          `warning: ${err.message}; listing the objects of a default installation (use kubectl delete --ignore-not-found)\n`,
        );
        config = resolveInstallConfig({ version, namespace });
      }
      const objects = [...renderCrds({ namespace, version: config.version }), ...renderControlPlane(config)];
      io.stdout(formatManifest(uninstallObjects(objects), options.output));
    });
  },
};
