import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningProcess, runProcess } from '@skein/testkit';
import { type LocalMesh, startLocalMesh } from './local-mesh.js';

const here = import.meta.dirname;
/** The built `skein-controller`. */
export const CONTROLLER_BIN = join(here, '../../../controller/dist/main.js');
/** The built `skein-web`. */
export const WEB_BIN = join(here, '../../dist/main.js');

/** The whole stack the browser tests drive: the local mesh, a real controller process and `skein-web`. */
export interface DashboardStack {
  readonly mesh: LocalMesh;
  readonly controller: RunningProcess;
  /** `host:port` of the controller API. */
  readonly controllerAddr: string;
  readonly web: RunningProcess;
  /** The dashboard's URL, ending in `/`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the mesh, `skein-controller` with its built-in scraper over the mesh's inventory and
 * discovery files, and `skein-web` pointed at it, all on ephemeral loopback ports.
 */
export async function startDashboardStack(options: {
  scrapeInterval?: string;
  refreshInterval?: string;
  grafanaUrl?: string;
}): Promise<DashboardStack> {
  const mesh = await startLocalMesh();
  const running: RunningProcess[] = [];
  try {
    const run = join(mesh.dir, 'run');
    mkdirSync(run);
    const controller = await runProcess({
      command: process.execPath,
      args: [
        CONTROLLER_BIN,
        '--inventory',
        mesh.inventoryFile,
        '--discovery-file',
        mesh.discoveryFile,
        '--addr',
        '127.0.0.1:0',
        '--scrape-interval',
        options.scrapeInterval ?? '500ms',
        '--advertise-local',
        'false',
      ],
      env: { ...process.env, XDG_RUNTIME_DIR: run },
      ready: /controller API listening addr=(\S+)/,
    });
    running.push(controller);
    const controllerAddr = controller.readyMatch![1]!;
    const web = await runProcess({
      command: process.execPath,
      args: [
        WEB_BIN,
        '--addr',
        '127.0.0.1:0',
        '--api-addr',
        controllerAddr,
        '--refresh-interval',
        options.refreshInterval ?? '500ms',
        ...(options.grafanaUrl === undefined ? [] : ['--grafana-url', options.grafanaUrl]),
      ],
      env: { ...process.env, XDG_RUNTIME_DIR: run },
      ready: /dashboard listening url=(\S+)/,
    });
    running.push(web);
    return {
      mesh,
      controller,
      controllerAddr,
      web,
      url: web.readyMatch![1]!,
      async close() {
        for (const p of running.reverse()) await p.close(2000);
        await mesh.close();
      },
    };
  } catch (err) {
    for (const p of running.reverse()) await p.close(2000);
    await mesh.close();
    throw err;
  }
}
