import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const node = process.execPath;

describe('skein-proxy executable', () => {
  it('exits 1 naming every bad variable, its value and the expected form', async () => {
    const err = await run(node, [main], {
      env: {
        PATH: process.env.PATH,
        LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT: '10 seconds',
        LINKERD2_PROXY_INBOUND_PORTS: '99999',
        SKEIN_PROXY_MEMORY_PROFILE: 'huge',
      },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    const stderr = (err as { stderr: string }).stderr;
    expect(stderr).toContain('skein-proxy: invalid configuration');
    expect(stderr).toContain('LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT="10 seconds"');
    expect(stderr).toContain('LINKERD2_PROXY_INBOUND_PORTS="99999"');
    expect(stderr).toContain('SKEIN_PROXY_MEMORY_PROFILE="huge"');
  });

  describe('running standalone with a static discovery file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skein-proxy-app-'));
    let backend: http.Server;
    let child: ReturnType<typeof spawn>;
    let addresses: { outbound: Array<{ port: number }>; admin: { port: number } };

    beforeAll(async () => {
      backend = http.createServer((req, res) => res.end(`backend saw ${req.headers.host} ${req.url}`));
      backend.listen(0, '127.0.0.1');
      await once(backend, 'listening');
      const file = join(dir, 'discovery.yaml');
      writeFileSync(
        file,
        `authorities:\n  api.test:80:\n    endpoints:\n      - address: 127.0.0.1:${(backend.address() as AddressInfo).port}\n`,
      );
      child = spawn(node, [main], {
        env: {
          PATH: process.env.PATH,
          LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
          LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
          LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
          LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED: 'true',
          SKEIN_PROXY_DISCOVERY_FILE: file,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /skein-proxy ready: (.*)\n/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      addresses = JSON.parse(line);
    });

    afterAll(() => {
      child.kill('SIGKILL');
      backend.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('proxies HTTP_PROXY-style requests to the discovered endpoint', async () => {
      const { stdout } = await run('curl', [
        '-sS',
        '-x',
        `http://127.0.0.1:${addresses.outbound[0]!.port}`,
        'http://api.test/hello',
      ]);
      expect(stdout).toBe('backend saw api.test /hello');
    });

    it('shuts down cleanly (exit 0) on POST /shutdown', async () => {
      const exited = once(child, 'exit');
      const { stdout } = await run('curl', [
        '-sS',
        '-X',
        'POST',
        `http://127.0.0.1:${addresses.admin.port}/shutdown`,
      ]);
      expect(stdout).toBe('shutdown\n');
      const [code] = await exited;
      expect(code).toBe(0);
    });
  });

  describe('SKEIN_PROXY_MEMORY_PROFILE', () => {
    // The young generation's size is fixed when V8 starts, so `compact` re-executes the
    // process (same PID) with the flag on node's command line; the command line shows it.
    const startWith = async (env: Record<string, string>) => {
      const child = spawn(node, [main], {
        env: {
          PATH: process.env.PATH,
          LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
          LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
          LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('skein-proxy ready: ')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const { stdout } = await run('ps', ['-o', 'args=', '-p', String(child.pid)]);
      child.kill('SIGKILL');
      return stdout.trim();
    };

    it('compact (the default) runs the spawned process with a 2 MiB semi-space', async () => {
      const args = await startWith({});
      expect(args).toMatch(/ --max-semi-space-size=2 .*main\.js$/);
    });

    it('throughput leaves V8 its default young generation', async () => {
      const args = await startWith({ SKEIN_PROXY_MEMORY_PROFILE: 'throughput' });
      expect(args).not.toContain('--max-semi-space-size');
      expect(args).toMatch(/main\.js$/);
    });

    it('keeps a young-generation size chosen in NODE_OPTIONS', async () => {
      const args = await startWith({ NODE_OPTIONS: '--max-semi-space-size=8' });
      expect(args).not.toContain('--max-semi-space-size');
    });
  });
});
