import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../docker/linkerd-await.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('docker/linkerd-await.mjs', () => {
  it('waits until /ready answers 200, then runs the command', async () => {
    let ready = false;
    const admin = http.createServer((req, res) =>
      res.writeHead(req.url === '/ready' && ready ? 200 : 503).end(),
    );
    admin.listen(0, '127.0.0.1');
    await once(admin, 'listening');
    setTimeout(() => {
      ready = true;
    }, 500);
    const started = Date.now();
    const result = await run([
      `--port=${(admin.address() as AddressInfo).port}`,
      '--timeout=10s',
      '--',
      'echo',
      'app started',
    ]);
    admin.close();
    expect(result).toMatchObject({ code: 0, stdout: 'app started\n' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('exits 1 when the proxy is never ready, and 2 on a bad flag', async () => {
    const admin = http.createServer((_req, res) => res.writeHead(503).end());
    admin.listen(0, '127.0.0.1');
    await once(admin, 'listening');
    const port = (admin.address() as AddressInfo).port;
    const timedOut = await run([`--port=${port}`, '--timeout=600ms']);
    admin.close();
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toBe(`linkerd-await: the proxy on port ${port} was not ready after 600ms\n`);
    const bad = await run(['--timeout=soon']);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'linkerd-await: invalid --timeout "soon": expected a duration such as 2m or 30s\n',
    });
  });
});
