// CI step: `node src/main.ts <manifests-dir> <output-dir>`; exits 1 when a workload cannot be meshed.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { injectManifests } from './inject-manifests.ts';

const [inputDir, outputDir] = process.argv.slice(2);
if (inputDir === undefined || outputDir === undefined) {
  process.stderr.write('usage: node src/main.ts <manifests-dir> <output-dir>\n');
  process.exit(2);
}
const here = new URL('..', import.meta.url);
const result = await injectManifests(inputDir, outputDir, {
  values: parse(readFileSync(new URL('values.yaml', here), 'utf8')),
  trustAnchorsPem: readFileSync(new URL('ci-trust-anchors.pem', here), 'utf8'),
});
process.stderr.write(result.report);
process.stdout.write(`wrote ${result.written.join(', ')}\n`);
process.exitCode = result.errors.length > 0 ? 1 : 0;
