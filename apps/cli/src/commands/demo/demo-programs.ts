import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LocalMeshBinaries } from '@skein/local';

/** What `skein demo` runs, found next to the CLI (in a clone of the Skein repository). */
export interface DemoPrograms {
  readonly binaries: LocalMeshBinaries;
  /** `examples/emojivoto/src/main.ts`. */
  readonly emojivotoMain: string;
  /** Optional parts left out, with the reason (e.g. the dashboard is not built). */
  readonly notes: readonly string[];
}

const BUILD =
  'run `npm start` from the repository (it builds them), or `npx turbo run build --filter=@skein/example-emojivoto...`';

/** The package's directory, or undefined when it cannot be resolved from `from`. */
function packageDir(from: string, name: string): string | undefined {
  try {
    return dirname(realpathSync(createRequire(from).resolve(`${name}/package.json`)));
  } catch {
    return undefined;
  }
}

/**
 * Finds the apps' entry points (`dist/main.js`) and the emojivoto example: they are workspaces
 * of the Skein repository, resolved from the CLI's own location.
 * @throws Error naming what is missing and how to build it.
 */
export function findDemoPrograms(
  from: string,
  node: string,
  options: { dashboard: boolean; netns: boolean },
): DemoPrograms {
  const notes: string[] = [];
  const app = (name: string, required: boolean): string | undefined => {
    const dir = packageDir(from, name);
    const main = dir === undefined ? undefined : join(dir, 'dist', 'main.js');
    if (main !== undefined && existsSync(main)) return main;
    const why = dir === undefined ? `${name} is not installed` : `${name} is not built (no ${main})`;
    if (required)
      throw new Error(
        `skein demo runs the Skein apps of the repository, and ${why}: ${dir === undefined ? 'skein demo needs a clone of the Skein repository (npm ci && npm start)' : BUILD}`,
      );
    notes.push(why);
    return undefined;
  };
  const exampleDir = packageDir(from, '@skein/example-emojivoto');
  const emojivotoMain = exampleDir === undefined ? undefined : join(exampleDir, 'src', 'main.ts');
  if (emojivotoMain === undefined || !existsSync(emojivotoMain))
    throw new Error(
      'skein demo runs the emojivoto example (@skein/example-emojivoto), which is not installed: skein demo needs a clone of the Skein repository (npm ci && npm start)',
    );
  const tap = app('@skein/app-tap', false);
  const dashboard = options.dashboard ? app('@skein/app-web', false) : undefined;
  const proxyInit = options.netns ? app('@skein/app-proxy-init', true) : undefined;
  if (options.dashboard && dashboard === undefined) notes[notes.length - 1] += ': no dashboard this time';
  return {
    binaries: {
      node,
      identity: app('@skein/app-identity', true)!,
      destination: app('@skein/app-destination', true)!,
      controller: app('@skein/app-controller', true)!,
      proxy: app('@skein/app-proxy', true)!,
      ...(tap === undefined ? {} : { tap }),
      ...(dashboard === undefined ? {} : { dashboard }),
      ...(proxyInit === undefined ? {} : { proxyInit }),
    },
    emojivotoMain,
    notes,
  };
}

/**
 * Why this Node.js cannot run the example's TypeScript (type stripping came unflagged in
 * Node 22.18 and 23.6), or undefined when it can.
 */
export function typeStrippingProblem(features: object, version: string): string | undefined {
  const ts = (features as { typescript?: unknown }).typescript;
  if (ts === 'strip' || ts === 'transform') return undefined;
  return `skein demo runs the emojivoto example's TypeScript directly, which needs Node.js 24 (this is ${version}): run it with \`npm start\`, which uses the Node.js the repository pins`;
}
