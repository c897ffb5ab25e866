import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '@skein/core';
import { emojivotoTopology, LocalMesh, type LocalMeshEndpoints } from '@skein/local';
import type { CliIO } from '../cli-io.js';
import { renderEvent, renderExited, renderPlan, renderRunning } from './demo/demo-output.js';
import { findDemoPrograms, typeStrippingProblem } from './demo/demo-programs.js';
import type { SkeinCommand } from './registry.js';

interface DemoFlags {
  netns?: boolean;
  traffic: boolean;
  dashboard: boolean;
  baseIp?: string;
  rate: string;
  portOffset: string;
  runDir?: string;
  readyTimeout: string;
}

/** `$XDG_RUNTIME_DIR/skein/demo-<ip>`, else `<tmp>/skein-demo-<uid>-<ip>`: one run directory per base address. */
export function defaultRunDir(env: NodeJS.ProcessEnv, baseIp: string, uid: number | undefined): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime !== ''
    ? join(runtime, 'skein', `demo-${baseIp}`)
    : join(tmpdir(), `skein-demo-${uid ?? 'user'}-${baseIp}`);
}

function parsePortOffset(text: string): number {
  const offset = Number(text);
  if (!/^\d+$/.test(text) || offset > 55_000)
    throw new Error(`--port-offset: expected a number from 0 to 55000, got "${text}"`);
  return offset;
}

function parseRate(text: string): number {
  const rate = Number(text);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000)
    throw new Error(`--rate: expected visits per second above 0 and at most 1000, got "${text}"`);
  return rate;
}

type StopReason = 'signal' | 'exited';

/**
 * `skein demo`: a whole mesh on this machine — control plane, dashboard and the emojivoto app
 * with a sidecar per pod — until Ctrl-C. What `npm start` runs.
 */
export const demoCommand: SkeinCommand = {
  name: 'demo',
  register(program, io: CliIO) {
    program
      .command('demo')
      .description(
        'Run a whole mesh on this machine: the control plane, the dashboard, and the emojivoto demo app with a Skein sidecar per pod, until Ctrl-C.',
      )
      .option('--netns', 'give each pod its own network namespace with iptables interception (Linux, root)')
      .option('--no-traffic', 'do not start the traffic generator (vote-bot)')
      .option('--no-dashboard', 'do not start the dashboard')
      .option(
        '--base-ip <ip>',
        'the control plane address; pods take the next ones (default 127.0.1.1, with --netns 10.249.0.1)',
      )
      .option('--rate <visits>', 'vote-bot visits per second (each a list and a vote)', '5')
      .option(
        '--port-offset <n>',
        "added to every port the mesh listens on, when Linkerd's ports are taken on every address",
        '0',
      )
      .option(
        '--run-dir <dir>',
        'where keys, generated files and logs go (default: one per base address under $XDG_RUNTIME_DIR or the temp directory)',
      )
      .option('--ready-timeout <duration>', 'how long each component may take to be ready', '30s')
      .action(async (flags: DemoFlags) => {
        const problem = typeStrippingProblem(process.features, process.version);
        if (problem !== undefined) throw new Error(problem);
        const rate = parseRate(flags.rate);
        const portOffset = parsePortOffset(flags.portOffset);
        const readyTimeoutMs = parseDuration(flags.readyTimeout, '--ready-timeout');
        const netns = flags.netns === true;
        const programs = findDemoPrograms(import.meta.url, process.execPath, {
          dashboard: flags.dashboard,
          netns,
        });
        const baseIp = flags.baseIp ?? (netns ? '10.249.0.1' : '127.0.1.1');
        const mesh = new LocalMesh({
          topology: emojivotoTopology({ node: process.execPath, main: programs.emojivotoMain, rate }),
          binaries: programs.binaries,
          runDir: flags.runDir ?? defaultRunDir(process.env, baseIp, process.getuid?.()),
          mode: netns ? 'netns' : 'loopback',
          baseIp,
          portOffset,
          traffic: flags.traffic,
          env: process.env,
          readyTimeoutMs,
        });
        await runDemo(io, mesh, programs.notes);
      });
  },
};

/** Runs `mesh` until a signal or a process dies, printing progress, the banner and the stop. */
async function runDemo(io: CliIO, mesh: LocalMesh, notes: readonly string[]): Promise<void> {
  io.stdout(renderPlan(mesh.plan));
  let wake: (reason: StopReason) => void = () => {};
  const stopRequested = new Promise<StopReason>((resolve) => {
    wake = resolve;
  });
  let startupMs = 0;
  const events = mesh.events.subscribe((e) => {
    if (e.type === 'running') startupMs = e.elapsedMs;
    if (e.type === 'exited') {
      io.stderr(renderExited(e));
      wake('exited');
      return;
    }
    const line = renderEvent(e);
    if (line !== undefined) io.stdout(line);
  });
  // A Ctrl-C under `npm start` arrives twice at once (from the terminal, and forwarded by npm):
  // signals within a second of the first are the same request; a later one forces the stop.
  let firstSignalAt: number | undefined;
  const onSignal = () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      wake('signal');
      return;
    }
    if (Date.now() - firstSignalAt < 1000) return;
    io.stderr('skein demo: second interrupt: killing every process of the demo now\n');
    mesh.killSync();
    process.exit(130);
  };
  // Whatever ends this process, its children's process groups go with it.
  const killOnExit = () => mesh.killSync();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.once('exit', killOnExit);
  try {
    const starting = mesh.start();
    const first = await Promise.race([
      starting.then((endpoints) => ({ endpoints })),
      stopRequested.then((reason) => ({ reason })),
    ]);
    if ('reason' in first) {
      await mesh.stop();
      await starting.catch(() => {});
      return;
    }
    const running: LocalMeshEndpoints = first.endpoints;
    io.stdout(renderRunning(running, startupMs, notes, mesh.plan.namespace));
    const reason = await stopRequested;
    await mesh.stop();
    if (reason === 'exited') io.setExitCode(1);
  } finally {
    events.unsubscribe();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killOnExit);
  }
}
