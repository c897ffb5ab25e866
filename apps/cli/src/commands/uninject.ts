import { formatReport, Injector, type ManifestFormat, transformManifests } from '@skein/inject';
import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import { readSources } from '../manifest-sources.js';
import type { SkeinCommand } from './registry.js';

/** `skein uninject FILE|DIR|URL|-…`: removes the proxy, as `linkerd uninject` does. */
export const uninjectCommand: SkeinCommand = {
  name: 'uninject',
  register(program, io: CliIO) {
    program
      .command('uninject')
      .description(
        'Remove the proxy, init containers, volumes and linkerd.io/* metadata from Kubernetes manifests.',
      )
      .argument('<inputs...>', 'files, directories, URLs, or - for standard input')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'),
      )
      .action(async (inputs: string[], options: { output: ManifestFormat }) => {
        const injector = new Injector();
        for (const input of await readSources(inputs, io)) {
          const result = transformManifests(input.text, {
            injector,
            mode: 'uninject',
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
