import { defineConfig } from 'vitest/config';

// `npm run soak:ci`: the CI-length soak alone, after `npm test`, so that it has the machine's
// two cores to itself (see test/soak/two-proxy-mtls.soak.ts).
export default defineConfig({
  test: {
    include: ['test/soak/**/*.soak.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
