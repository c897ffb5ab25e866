import {
  diffWithCluster,
  formatDiff,
  formatManifest,
  kubeClusterReader,
  loadKubeConfig,
  type OutputFormat,
  readInstallation,
  renderControlPlane,
  renderCrds,
  resolveUpgradeConfig,
} from '@skein/install';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import {
  addClusterFlags,
  addInstallValueFlags,
  BOOLEAN_INSTALL_FLAGS,
  type ClusterFlags,
  type InstallValueFlags,
  installInputFromFlags,
} from './install-flags.js';
import type { SkeinCommand } from './registry.js';

interface UpgradeFlags extends InstallValueFlags, ClusterFlags {
  crds?: boolean;
  diff?: boolean;
  output: OutputFormat;
}

/**
 * `skein upgrade [--crds] [--diff]`: re-renders the installed control plane at this version,
 * keeping its values, trust anchors, issuer and webhook certificates; `--diff` shows what would
 * change instead of the manifest.
 */
export const upgradeCommand: SkeinCommand = {
  name: 'upgrade',
  booleanFlags: [...BOOLEAN_INSTALL_FLAGS, 'crds', 'diff'],
  register(program, io: CliIO) {
    const command = program
      .command('upgrade')
      .description(
        'Output the manifests of the installed control plane upgraded to this version, keeping its values and identity:\n' +
          '  skein upgrade --crds | kubectl apply -f -\n  skein upgrade | kubectl apply -f -',
      )
      .option('--crds', 'output the CustomResourceDefinitions only')
      .option('--diff', 'print what would change in the cluster instead of the manifest')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
      );
    addInstallValueFlags(addClusterFlags(command)).action(async (options: UpgradeFlags) => {
      const version = options.controlPlaneVersion ?? program.version() ?? 'dev';
      const kc = loadKubeConfig({
        ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
        ...(options.context === undefined ? {} : { context: options.context }),
      });
      const cluster = kubeClusterReader(kc);
      let objects: ReturnType<typeof renderCrds>;
      if (options.crds === true) {
        objects = renderCrds({ namespace: options.linkerdNamespace, version });
      } else {
        if (
          options.identityTrustAnchorsFile !== undefined ||
          options.identityIssuerCertificateFile !== undefined
        ) {
          throw new Error(
            'upgrade keeps the installed identity; rotate the issuer by updating the linkerd-identity-issuer Secret',
          );
        }
        const installation = await readInstallation(cluster, options.linkerdNamespace);
        const input = await installInputFromFlags(options, (m) => io.stderr(`warning: ${m}\n`));
        const config = resolveUpgradeConfig(installation, {
          version,
          namespace: options.linkerdNamespace,
          values: input.values,
          sources: input.sources,
        });
        for (const w of config.warnings) io.stderr(`warning: ${w}\n`);
        objects = renderControlPlane(config);
      }
      if (options.diff === true) io.stdout(formatDiff(await diffWithCluster(cluster, objects)));
      else io.stdout(formatManifest(objects, options.output));
    });
  },
};
