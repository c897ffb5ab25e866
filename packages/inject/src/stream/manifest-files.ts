import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** One manifest input: where it came from and its text. */
export interface ManifestInput {
  /** File path. */
  readonly source: string;
  /** File contents. */
  readonly text: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name))) out.push(path);
  }
}

/**
 * Reads manifest files: a file is read as it is; a directory is walked recursively in name
 * order, taking `.yaml`, `.yml` and `.json` files, as `linkerd inject DIR` does.
 *
 * @throws the file system error (with its path) when a path cannot be read.
 */
export async function readManifestInputs(path: string): Promise<ManifestInput[]> {
  const info = await stat(path);
  const files: string[] = [];
  if (info.isDirectory()) await walk(path, files);
  else files.push(path);
  return Promise.all(files.map(async (source) => ({ source, text: await readFile(source, 'utf8') })));
}
