import { defineConfig } from 'tsup';

// The proxy ships as one bundle (plus lazily loaded chunks for identity, the destination client
// and the protobuf code): fewer modules to load means a smaller resident set, which matters for a
// sidecar that runs next to every pod. koffi stays external (it carries native binaries).
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  sourcemap: true,
  clean: true,
  // @skein/identity loads @kubernetes/client-node only to validate tokens (the identity service's
  // TokenReview), which a proxy never does: it is left out rather than bundled (17 MB).
  noExternal: [/^(?!@kubernetes\/client-node$)/],
  external: ['koffi', '@kubernetes/client-node'],
  splitting: true,
  treeshake: true,
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __skeinCreateRequire } from 'node:module';\nconst require = __skeinCreateRequire(import.meta.url);",
  },
});
