import { defineConfig } from 'vitest/config';

// Fault and attack tests run proxies and servers in process and talk to them over real sockets;
// they are given room because the machine is shared with the rest of the build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
