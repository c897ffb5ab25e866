import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A `skein-proxy` child process, ready to take requests. */
export interface SkeinProxyProcess {
  /** The outbound listener: send requests here (explicit mode, like an `HTTP_PROXY`). */
  readonly outboundPort: number;
  /** The admin server (`/metrics`, `/ready`). */
  readonly adminPort: number;
  /** Everything the proxy wrote to stderr so far (its log). */
  log(): string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

/** Path of the `skein-proxy` executable of this repository (`apps/proxy`). */
export function skeinProxyBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@skein/app-proxy/package.json')), 'dist/main.js');
}

/**
 * Starts `skein-proxy` with `env` (plus ephemeral loopback listeners) and resolves once it
 * printed its ready line; rejects with its log when it exits first.
 */
export async function startSkeinProxy(env: Readonly<Record<string, string>>): Promise<SkeinProxyProcess> {
  const child: ChildProcess = spawn(process.execPath, [skeinProxyBin()], {
    env: {
      PATH: process.env.PATH ?? '',
      LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
      LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD: '1s',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const ready = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /skein-proxy ready: (.*)\n/.exec(stdout);
      if (line !== null) resolve(line[1]!);
    });
    child.once('exit', (code) => reject(new Error(`skein-proxy exited with ${code}:\n${stderr}`)));
  });
  const addresses = JSON.parse(ready) as { outbound: { port: number }[]; admin: { port: number } };
  return {
    outboundPort: addresses.outbound[0]!.port,
    adminPort: addresses.admin.port,
    log: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
