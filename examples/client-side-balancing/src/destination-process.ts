import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A `skein-destination` child process serving a static discovery file. */
export interface DestinationProcess {
  /** `127.0.0.1:<port>` of its Destination API. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Starts the destination service of this repository (`apps/destination`) on a static discovery
 * file, on ephemeral ports; it re-reads the file when it changes.
 */
export async function startDestination(staticFile: string): Promise<DestinationProcess> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('@skein/app-destination/package.json')), 'dist/main.js');
  const args = ['-static-file', staticFile, '-log-format', 'json'];
  for (const flag of ['-addr', '-admin-addr', '-policy-addr']) args.push(flag, '127.0.0.1:0');
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"grpcPort":(\d+)/.exec(output);
      if (m !== null) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`skein-destination exited with ${code}:\n${output}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
