import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** The production bundle's budget: every file the page loads, gzip-compressed, together. */
export const BUNDLE_BUDGET_GZIP_BYTES = 300 * 1024;

/** Fails the build when the gzip size of the emitted files exceeds `limit`, and reports the size. */
function bundleBudget(limit: number): Plugin {
  return {
    name: 'skein-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let total = 0;
      for (const [name, item] of Object.entries(bundle)) {
        if (name.endsWith('.map')) continue;
        total += gzipSync(item.type === 'chunk' ? item.code : item.source, { level: 9 }).length;
      }
      const line = `bundle: ${(total / 1024).toFixed(1)} KiB gzip of a ${limit / 1024} KiB budget`;
      if (total > limit) this.error(`over budget: ${line}`);
      this.info(line);
    },
  };
}

export default defineConfig({
  root: 'src/ui',
  // Relative asset URLs: the page works under any path prefix (kubectl proxy, an ingress).
  base: './',
  publicDir: 'public',
  build: {
    outDir: '../../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [bundleBudget(BUNDLE_BUDGET_GZIP_BYTES)],
});
