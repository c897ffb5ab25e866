#!/usr/bin/env node
// Creates the standard files of a library package (package.json, tsconfig, tsup and vitest
// configs) when they are missing. Usage: node scripts/scaffold-package.mjs <dir> <name> "<description>"
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description] = process.argv.slice(2);
if (!dir || !name || !description) {
  console.error('usage: scaffold-package.mjs <dir> <name> <description>');
  process.exit(2);
}
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });
const write = (file, text) => {
  const path = join(dir, file);
  if (!existsSync(path)) writeFileSync(path, text);
};
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js' },
    './package.json': './package.json',
  },
  files: ['dist', 'README.md'],
  engines: { node: '>=22' },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json',
    lint: 'publint --strict && attw --pack . --profile esm-only --quiet',
    test: 'vitest run',
  },
  repository: { type: 'git', url: 'git+https://github.com/skein-mesh/skein.git', directory: dir },
};
write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
write(
  'tsconfig.json',
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test', 'bench'] }, null, 2)}\n`,
);
write(
  'tsup.config.ts',
  `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
});
`,
);
write(
  'vitest.config.ts',
  `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
`,
);
