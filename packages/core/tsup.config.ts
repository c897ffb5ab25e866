import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries so that `@skein/core` never loads protobufjs; only `@skein/core/proto` does.
  entry: { index: 'src/index.ts', 'proto/index': 'src/proto/index.ts' },
  format: ['esm'],
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
});
