// `npm start [-- <skein demo flags>]`: builds what the local mesh needs (turbo caches it after
// the first time), then runs `skein demo`: the control plane, the dashboard and the emojivoto
// app with a Skein sidecar per pod, until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `npm start needs Node.js 24 or later (this is ${process.version}): run \`npm ci\` first, which installs the pinned Node.js that npm scripts use.`,
  );
  process.exit(1);
}
const turbo = join(root, 'node_modules', '.bin', 'turbo');
if (!existsSync(turbo)) {
  console.error('npm start: the dependencies are not installed; run `npm ci` first.');
  process.exit(1);
}

// The CLI and every app the demo starts; the emojivoto example runs from source.
const apps = [
  'cli',
  'app-identity',
  'app-destination',
  'app-controller',
  'app-tap',
  'app-web',
  'app-proxy',
  'app-proxy-init',
];
console.log('Building the Skein CLI and apps (cached after the first time)…');
const build = spawnSync(
  turbo,
  ['run', 'build', '--output-logs=errors-only', ...apps.map((a) => `--filter=@skein/${a}...`)],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) {
  console.error(`npm start: the build failed (exit ${build.status ?? build.signal}); see the output above.`);
  process.exit(1);
}

// npm links a workspace's bin only if its file exists at install time, and a fresh clone's
// `npm ci` runs before anything is built: link `skein` (and the apps' bins) now, so that
// `npx skein stat deploy` finds the CLI rather than asking the registry.
if (!existsSync(join(root, 'node_modules', '.bin', 'skein'))) {
  const link = spawnSync('npm', ['rebuild', '--ignore-scripts', ...apps.map((a) => `@skein/${a}`)], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (link.status !== 0)
    console.error(
      'npm start: could not link the skein command; use `node apps/cli/dist/main.js` instead of `npx skein`.',
    );
}

const demo = spawn(
  process.execPath,
  [join(root, 'apps', 'cli', 'dist', 'main.js'), 'demo', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// The demo stops itself in order on SIGINT/SIGTERM; pass them on and wait for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => demo.kill(signal));
demo.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128 + (signal === 'SIGINT' ? 2 : 15));
});
