import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/**
 * Reads `--values` files (Helm values YAML).
 *
 * @throws an Error naming the file and what is wrong with it.
 */
export async function readValuesFiles(paths: readonly string[]): Promise<unknown[]> {
  return Promise.all(
    paths.map(async (path) => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (cause) {
        throw new Error(
          `cannot read --values ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
          { cause },
        );
      }
      let values: unknown;
      try {
        values = parse(text);
      } catch (cause) {
        throw new Error(`--values ${path} is not valid YAML: ${(cause as Error).message.split('\n')[0]}`, {
          cause,
        });
      }
      if (values !== null && (typeof values !== 'object' || Array.isArray(values))) {
        throw new Error(`--values ${path} must hold a map of Helm values`);
      }
      return values ?? {};
    }),
  );
}

/**
 * Reads `--set-file path=file` arguments (Helm's `--set-file`): each becomes a values layer that
 * sets the dotted `path` to the text of `file`.
 *
 * @throws an Error naming the argument or the file.
 */
export async function readSetFiles(args: readonly string[]): Promise<Record<string, unknown>[]> {
  return Promise.all(
    args.map(async (arg) => {
      const eq = arg.indexOf('=');
      if (eq <= 0 || eq === arg.length - 1)
        throw new Error(`invalid --set-file ${JSON.stringify(arg)}: expected path=file`);
      const file = arg.slice(eq + 1);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (cause) {
        throw new Error(
          `cannot read --set-file ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
          { cause },
        );
      }
      const layer: Record<string, unknown> = {};
      let node = layer;
      const keys = arg.slice(0, eq).split('.');
      for (const key of keys.slice(0, -1)) {
        node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
      node[keys[keys.length - 1]!] = text;
      return layer;
    }),
  );
}
