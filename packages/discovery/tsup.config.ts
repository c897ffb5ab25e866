import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries so that the proxy, which imports the client, never loads @kubernetes/client-node.
  entry: { index: 'src/index.ts', model: 'src/model.ts', 'server/index': 'src/server/index.ts' },
  format: ['esm'],
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
});
