import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import {
  formatReport,
  Injector,
  type ResourceReport,
  readManifestInputs,
  resolveValues,
  transformManifests,
} from '@skein/inject';

/** What the CI step produced. */
export interface CiInjectResult {
  /** Output files written, relative to the output directory. */
  readonly written: string[];
  /** One report per resource. */
  readonly reports: ResourceReport[];
  /** Why some documents were left out (the step should fail). */
  readonly errors: string[];
  /** The human report, as `skein inject` prints it. */
  readonly report: string;
}

/**
 * Injects the proxy into every manifest under `inputDir` (as `skein inject --manual` would) and
 * writes the results, with the same relative paths, under `outputDir`.
 */
export async function injectManifests(
  inputDir: string,
  outputDir: string,
  options: { values: unknown; trustAnchorsPem: string },
): Promise<CiInjectResult> {
  const { values } = resolveValues([options.values, { identityTrustAnchorsPEM: options.trustAnchorsPem }]);
  const injector = new Injector({ values, createdBy: 'skein/example-ci' });
  const written: string[] = [];
  const reports: ResourceReport[] = [];
  const errors: string[] = [];
  for (const input of await readManifestInputs(inputDir)) {
    const result = transformManifests(input.text, {
      injector,
      mode: 'manual',
      source: relative(inputDir, input.source),
    });
    reports.push(...result.reports);
    errors.push(...result.errors);
    const target = join(outputDir, relative(inputDir, input.source));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, result.output);
    written.push(relative(outputDir, target));
  }
  return { written, reports, errors, report: formatReport(reports, errors) };
}
