import { type ManifestInput, readManifestInputs } from '@skein/inject';
import type { CliIO } from './cli-io.js';

/**
 * Reads the inputs of `inject`/`uninject`: `-` is standard input, `http(s)://` URLs are fetched,
 * anything else is a file or a directory (walked for .yaml, .yml and .json files).
 *
 * @throws an Error naming the input that could not be read.
 */
export async function readSources(paths: readonly string[], io: CliIO): Promise<ManifestInput[]> {
  const inputs: ManifestInput[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ source: '-', text: await io.readStdin() });
    } else if (/^https?:\/\//.test(path)) {
      const res = await fetch(path);
      if (!res.ok) throw new Error(`cannot read ${path}: HTTP ${res.status}`);
      inputs.push({ source: path, text: await res.text() });
    } else {
      try {
        inputs.push(...(await readManifestInputs(path)));
      } catch (cause) {
        throw new Error(
          `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
          { cause },
        );
      }
    }
  }
  return inputs;
}
