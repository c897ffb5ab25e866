import {
  formatReport,
  Injector,
  type ManifestFormat,
  resolveCliInjectConfig,
  transformManifests,
} from '@skein/inject';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { readSources } from '../manifest-sources.js';
import { readSetFiles, readValuesFiles } from '../values-files.js';
import { addProxyFlags, BOOLEAN_PROXY_FLAGS, givenProxyFlags } from './proxy-flags.js';
import type { SkeinCommand } from './registry.js';

interface InjectOptions extends Record<string, unknown> {
  manual?: boolean;
  output: ManifestFormat;
  values: string[];
  set: string[];
  setFile: string[];
  linkerdNamespace: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `skein inject [--manual] FILE|DIR|URL|-…`: Linkerd's `linkerd inject`. */
export const injectCommand: SkeinCommand = {
  name: 'inject',
  booleanFlags: [...BOOLEAN_PROXY_FLAGS, 'manual', 'ignore-cluster'],
  register(program, io: CliIO) {
    const command = program
      .command('inject')
      .description(
        'Add the Skein (Linkerd-compatible) proxy to Kubernetes manifests. Without --manual, only the ' +
          'linkerd.io/inject annotation (and one config annotation per flag) is added, for the proxy ' +
          'injector webhook to act on.',
      )
      .argument('<inputs...>', 'files, directories, URLs, or - for standard input')
      .option('--manual', 'add the proxy and init containers now, instead of annotating for the webhook')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
      )
      .option('--values <file>', 'Helm values file with the base configuration (repeatable)', collect, [])
      .option(
        '--set <path=value>',
        'Helm-style value override, e.g. proxy.logLevel=debug (repeatable)',
        collect,
        [],
      )
      .option(
        '--set-file <path=file>',
        'set a value to the contents of a file, e.g. identityTrustAnchorsPEM=ca.crt',
        collect,
        [],
      )
      .option(
        '-L, --linkerd-namespace <namespace>',
        'namespace of the control plane',
        process.env.LINKERD_NAMESPACE ?? 'linkerd',
      )
      .option('--no-manual', 'only annotate (the default)')
      .option('--ignore-cluster', 'accepted for compatibility: skein never reads the cluster configuration')
      .option('--no-ignore-cluster', 'accepted for compatibility');
    addProxyFlags(command).action(async (inputs: string[], options: InjectOptions) => {
      const config = resolveCliInjectConfig({
        valuesFiles: await readValuesFiles(options.values),
        valuesSources: options.values,
        overrides: await readSetFiles(options.setFile),
        flags: givenProxyFlags(options),
        sets: options.set,
      });
      for (const warning of config.warnings) io.stderr(`warning: ${warning}\n`);
      if (options.manual === true && config.values.identityTrustAnchorsPEM.trim() === '') {
        throw new Error(
          '--manual needs the trust anchors of the mesh: give identityTrustAnchorsPEM with --values FILE or --set-file identityTrustAnchorsPEM=ca.crt',
        );
      }
      const injector = new Injector({
        values: config.values,
        controlPlaneNamespace: options.linkerdNamespace,
        origin: 'cli',
        createdBy: `skein/cli ${program.version() ?? 'dev'}`,
      });
      for (const input of await readSources(inputs, io)) {
        const result = transformManifests(input.text, {
          injector,
          mode: options.manual === true ? 'manual' : 'annotate',
          annotations: config.annotations,
          format: options.output,
          source: input.source,
        });
        io.stdout(result.output);
        io.stderr(formatReport(result.reports, result.errors));
        if (result.errors.length > 0) io.setExitCode(1);
      }
    });
  },
};
