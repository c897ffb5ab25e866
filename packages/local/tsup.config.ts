import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'parent-watch': 'src/process/parent-watch.ts' },
  format: ['esm'],
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
});
