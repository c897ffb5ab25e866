import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type RunningProcess, runProcess } from '@skein/testkit';

const require = createRequire(import.meta.url);

/** `dist/main.js` of an app workspace (`@skein/app-proxy` → apps/proxy/dist/main.js). */
export function appMain(app: '@skein/app-proxy' | '@skein/app-destination' | '@skein/app-identity'): string {
  return join(dirname(require.resolve(`${app}/package.json`)), 'dist', 'main.js');
}

/** Where a running `skein-proxy` listens. */
export interface ProxyAddresses {
  outbound: Array<{ ip: string; port: number }>;
  inbound: { ip: string; port: number };
  admin: { ip: string; port: number };
}

/** A `skein-proxy` process. */
export interface ProxyProcess {
  readonly process: RunningProcess;
  readonly addresses: ProxyAddresses;
  /** `http://127.0.0.1:<outbound port>`. */
  readonly outboundUrl: string;
  /** `http://127.0.0.1:<admin port>`. */
  readonly adminUrl: string;
  /** The admin server's `path` as text, with its status. */
  admin(path: string): Promise<{ status: number; body: string }>;
  /**
   * The sum of a metric's series from `/metrics` whose labels include every pair of `labels`
   * (undefined when no series matches).
   */
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the real `skein-proxy` executable (apps/proxy) with `env` on top of loopback listeners
 * on ephemeral ports, and waits for its ready line.
 */
export async function startProxyProcess(env: Record<string, string>): Promise<ProxyProcess> {
  const proc = await runProcess({
    command: process.execPath,
    args: [appMain('@skein/app-proxy')],
    env: {
      PATH: process.env.PATH,
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_LOG: 'warn',
      ...env,
    },
    ready: /skein-proxy ready: (.*)$/,
    readyTimeoutMs: 30_000,
  });
  const addresses = JSON.parse(proc.readyMatch![1]!) as ProxyAddresses;
  const adminUrl = `http://127.0.0.1:${addresses.admin.port}`;
  const admin = async (path: string) => {
    const res = await fetch(`${adminUrl}${path}`);
    return { status: res.status, body: await res.text() };
  };
  return {
    process: proc,
    addresses,
    outboundUrl: `http://127.0.0.1:${addresses.outbound[0]!.port}`,
    adminUrl,
    admin,
    async metric(name, labels = {}) {
      const { body } = await admin('/metrics');
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      let sum: number | undefined;
      for (const line of body.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        const series = line.slice(0, line.lastIndexOf(' '));
        if (!wanted.every((pair) => series.includes(pair))) continue;
        sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async close(graceMs = 2000) {
      await proc.close(graceMs);
    },
  };
}
