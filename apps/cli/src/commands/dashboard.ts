import { Option } from 'commander';
import type { CliIO } from '../cli-io.js';
import type { SkeinCommand } from './registry.js';
import { findController } from './viz/controller-address.js';
import { addControllerOptions, untilInterrupted, type VizFlags } from './viz/viz-options.js';

interface DashboardFlags extends VizFlags {
  address: string;
  port: string;
  show: 'dashboard' | 'grafana' | 'url';
  grafanaUrl?: string;
  webAddr?: string;
}

/** What `skein dashboard` uses of `@skein/app-web` (loaded when the command runs). */
interface WebApp {
  startDashboardServer(options: {
    controller: () => Promise<{ url: string; origin: string }>;
    listen: { host: string; port: number };
    grafanaUrl?: string;
    version?: string;
  }): Promise<{ url: string; close(): Promise<void> }>;
  browserCommand(
    url: string,
    env: Readonly<Record<string, string | undefined>>,
    platform: NodeJS.Platform,
  ): { command: string; args: readonly string[] } | undefined;
  openBrowser(cmd: { command: string; args: readonly string[] }): Promise<void>;
}

// A variable specifier: the dashboard is loaded at run time, not bundled into the CLI.
const WEB_APP = '@skein/app-web';

const KUBERNETES_PATH = `No local Skein controller was found (no --api-addr, SKEIN_API_ADDR or local mesh).
On Kubernetes, forward the dashboard's port and open it:
  kubectl -n linkerd port-forward svc/linkerd-web 50750:8084
  open http://localhost:50750/
or serve the dashboard here against a forwarded controller:
  kubectl -n linkerd port-forward svc/linkerd-controller 8085:8085 &
  skein dashboard --api-addr 127.0.0.1:8085
`;

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port: expected a port 0..65535, got "${text}"`);
  return port;
}

function asUrl(addr: string): string {
  return /^https?:\/\//.test(addr) ? addr.replace(/\/*$/, '/') : `http://${addr}/`;
}

function grafanaTopLine(grafanaUrl: string): string {
  return `${grafanaUrl.replace(/\/+$/, '')}/d/skein-top-line/skein-top-line`;
}

async function show(io: CliIO, web: WebApp, flags: DashboardFlags, dashboardUrl: string): Promise<void> {
  io.stdout(`Skein dashboard available at:\n${dashboardUrl}\n`);
  if (flags.grafanaUrl !== undefined)
    io.stdout(`Grafana dashboard available at:\n${grafanaTopLine(flags.grafanaUrl)}\n`);
  if (flags.show === 'url') return;
  const target = flags.show === 'grafana' ? grafanaTopLine(flags.grafanaUrl!) : dashboardUrl;
  const cmd = web.browserCommand(target, process.env, process.platform);
  if (cmd === undefined) {
    io.stdout('No browser is available here (no $BROWSER and no display): open the URL above.\n');
    return;
  }
  io.stdout(
    `Opening ${flags.show === 'grafana' ? 'Grafana' : 'the Skein dashboard'} in the default browser\n`,
  );
  try {
    await web.openBrowser(cmd);
  } catch (err) {
    io.stderr(`${(err as Error).message}; open the URL above yourself\n`);
  }
}

/**
 * `skein dashboard`: serves the dashboard on this machine against the controller the other
 * commands use, prints its URL and opens a browser when there is one (`--show url` only
 * prints); Ctrl-C stops it. `--web-addr` opens a dashboard that already runs instead.
 */
export const dashboardCommand: SkeinCommand = {
  name: 'dashboard',
  register(program, io: CliIO) {
    const cmd = program
      .command('dashboard')
      .description('Open the Skein dashboard in a web browser (serving it locally until interrupted).')
      .option('--address <host>', 'the address the dashboard listens on', '127.0.0.1')
      .option('-p, --port <port>', 'the port the dashboard listens on (0 picks a free one)', '50750')
      .addOption(
        new Option('--show <what>', 'open the dashboard or Grafana in a browser, or only print the URLs')
          .choices(['dashboard', 'grafana', 'url'])
          .default('dashboard'),
      )
      .option('--grafana-url <url>', "Grafana's URL, for links to the Skein Grafana dashboards")
      .option(
        '--web-addr <url>',
        'a dashboard (skein-web) that already runs: open it instead of serving one',
      );
    addControllerOptions(cmd).action(async (flags: DashboardFlags) => {
      if (flags.show === 'grafana' && flags.grafanaUrl === undefined)
        throw new Error('--show grafana: pass --grafana-url with the address of Grafana');
      const port = parsePort(flags.port);
      let web: WebApp | undefined;
      let missing = '';
      try {
        web = (await import(WEB_APP)) as WebApp;
      } catch (err) {
        missing = (err as Error).message.split('\n')[0] ?? '';
      }
      if (flags.webAddr !== undefined) {
        if (web !== undefined) await show(io, web, flags, asUrl(flags.webAddr));
        else io.stdout(`Skein dashboard available at:\n${asUrl(flags.webAddr)}\n`);
        return;
      }
      if (web === undefined)
        throw new Error(
          `the dashboard is not installed (${missing}): npm install -g @skein/app-web, or open a running one with --web-addr`,
        );
      const target = await findController(flags, process.env);
      if (target.kind === 'kubernetes') {
        io.stderr(KUBERNETES_PATH);
        io.setExitCode(1);
        return;
      }
      let server: Awaited<ReturnType<WebApp['startDashboardServer']>>;
      try {
        server = await web.startDashboardServer({
          controller: () => Promise.resolve({ url: target.url, origin: target.origin }),
          listen: { host: flags.address, port },
          ...(flags.grafanaUrl === undefined ? {} : { grafanaUrl: flags.grafanaUrl }),
          version: program.version() ?? 'unknown',
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(
          code === 'EADDRINUSE'
            ? `port ${port} on ${flags.address} is taken: pass another --port (0 picks a free one)`
            : `cannot serve the dashboard on ${flags.address}:${port}: ${(err as Error).message}`,
        );
      }
      try {
        await show(io, web, flags, server.url);
        io.stdout(
          `Talking to the controller at ${target.url} (from ${target.origin}). Press Ctrl-C to stop.\n`,
        );
        await untilInterrupted(
          io,
          (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
        );
      } finally {
        await server.close();
      }
    });
  },
};
