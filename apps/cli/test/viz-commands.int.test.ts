import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type RunningProcess, runProcess } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKEIN_BIN, type SkeinRun } from './run-skein.js';
import { type LoopbackMesh, startLoopbackMesh } from './support/loopback-mesh.js';

const CONTROLLER_BIN = join(import.meta.dirname, '../../controller/dist/main.js');

let mesh: LoopbackMesh;
let controller: RunningProcess;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  mesh = await startLoopbackMesh();
  // The controller advertises itself in the local mesh state file under XDG_RUNTIME_DIR;
  // the CLI finds it there without --api-addr.
  env = { ...process.env, XDG_RUNTIME_DIR: join(mesh.dir, 'run'), SKEIN_API_ADDR: '', NO_COLOR: '' };
  controller = await runProcess({
    command: process.execPath,
    args: [
      CONTROLLER_BIN,
      '--inventory',
      mesh.inventoryFile,
      '--addr',
      '127.0.0.1:0',
      '--scrape-interval',
      '200ms',
    ],
    env,
    ready: /controller API listening/,
  });
  await new Promise((r) => setTimeout(r, 300));
  await mesh.load(100);
  await new Promise((r) => setTimeout(r, 2000));
}, 30_000);

afterAll(async () => {
  await controller?.close(2000);
  await mesh?.close();
});

/** Runs the built `skein` with the test's environment (the local mesh state directory). */
function runSkein(args: string[], environment: Record<string, string | undefined>): Promise<SkeinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SKEIN_BIN, ...args], {
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function skein(args: string[]) {
  return runSkein(args, env);
}

describe('skein viz commands against a running controller and a real proxy', () => {
  it('stat deploy shows meshed counts, the backend success rate, rps and latency', async () => {
    const run = await skein(['stat', 'deploy', '-n', 'demo']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^NAME\s+MESHED\s+SUCCESS\s+RPS\s+LATENCY_P50\s+LATENCY_P95\s+LATENCY_P99\s+TCP_CONN$/,
    );
    const api = lines.find((l) => l.startsWith('api '))!.split(/\s+/);
    expect(api[1]).toBe('0/1');
    const success = Number(api[2]!.replace('%', ''));
    expect(success).toBeGreaterThan(88);
    expect(success).toBeLessThan(92);
    expect(api[2]).toMatch(/^\d+\.\d\d%$/);
    expect(api[3]).toMatch(/^\d+\.\drps$/);
    expect(Number(api[3]!.replace('rps', ''))).toBeGreaterThan(0);
    expect(api[4]).toMatch(/^\d+ms$/);
    const web = lines.find((l) => l.startsWith('web '))!.split(/\s+/);
    expect(web[2]).toBe('100.00%');
    const client = lines.find((l) => l.startsWith('client '))!.split(/\s+/);
    // The client's proxy receives nothing inbound here: no request or TCP figures of its own.
    expect(client.slice(1)).toEqual(['1/1', '-', '-', '-', '-', '-', '-']);
  });

  it('stat -o json and --from; edges', async () => {
    const json = JSON.parse((await skein(['stat', 'deploy/api', '-n', 'demo', '-o', 'json'])).stdout) as {
      name: string;
      success: number;
    }[];
    expect(json).toHaveLength(1);
    expect(json[0]!.success).toBeGreaterThan(0.88);
    const from = await skein(['stat', 'deploy', '-n', 'demo', '--from', 'deploy/client']);
    expect(from.stdout).toMatch(/^web\s+0\/1\s+100\.00%/m);
    const edges = await skein(['edges', 'deploy', '-n', 'demo']);
    expect(edges.stdout.split('\n')[0]).toMatch(/^SRC\s+DST\s+SRC_NS\s+DST_NS\s+SECURED$/);
    expect(edges.stdout).toMatch(/^client\s+api\s+demo\s+demo\s+not_provided_by_service_discovery$/m);
  });

  it('tap prints req, rsp and end lines for live requests', async () => {
    const tap = await runProcess({
      command: process.execPath,
      args: [SKEIN_BIN, 'tap', 'deploy/client', '-n', 'demo', '--path', '/api'],
      env,
    });
    try {
      const traffic = (async () => {
        // Requests start once the CLI's stream reached the proxy's tap hub.
        for (let i = 0; i < 500 && !mesh.proxy.tap.active; i++) await new Promise((r) => setTimeout(r, 20));
        for (let i = 0; i < 50 && !/^end /m.test(tap.stdout()); i++) await mesh.load(2);
      })();
      const req = await tap.waitForLine(
        /^req id=\d+:\d+ proxy=out src=127\.0\.0\.1:\d+ dst=127\.0\.0\.1:\d+ tls=no_identity :method=GET :authority=api\.demo\.svc\.cluster\.local :path=\/api\/vote$/,
        15_000,
      );
      expect(req).toBeDefined();
      await tap.waitForLine(/^rsp id=\d+:\d+ proxy=out .* :status=(200|500) latency=\d+µs$/, 15_000);
      await tap.waitForLine(/^end id=\d+:\d+ proxy=out .* duration=\d+µs response-length=\d+B$/, 15_000);
      await traffic;
      expect(tap.stdout()).not.toMatch(/:path=\/web/);
    } catch (err) {
      throw new Error(`tap printed:\n${tap.output()}`, { cause: err });
    } finally {
      await tap.close(2000);
    }
  });

  it('top tabulates the most frequent paths with counts, latencies and success rate', async () => {
    const top = await runProcess({
      command: process.execPath,
      args: [SKEIN_BIN, 'top', 'deploy/client', '-n', 'demo', '--interval', '1'],
      env,
    });
    try {
      const traffic = (async () => {
        for (let i = 0; i < 500 && !mesh.proxy.tap.active; i++) await new Promise((r) => setTimeout(r, 20));
        for (let i = 0; i < 30 && !/\/api\/vote/.test(top.stdout()); i++) await mesh.load(10);
      })();
      await top.waitForLine(
        /^Source\s+Destination\s+Method\s+Path\s+Count\s+Best\s+Worst\s+Last\s+Success Rate$/,
        15_000,
      );
      const row = await top.waitForLine(
        /^deploy\/client\s+deploy\/api\s+GET\s+\/api\/vote\s+(\d+)\s+\d+(µs|ms)\s+\d+(µs|ms)\s+\d+(µs|ms)\s+(\d+\.\d\d)%$/,
        15_000,
      );
      expect(Number(row[1])).toBeGreaterThan(0);
      await traffic;
    } catch (err) {
      throw new Error(`top printed:\n${top.output()}`, { cause: err });
    } finally {
      await top.close(2000);
    }
  });

  it('diagnostics proxy-metrics prints the pod proxy metrics', async () => {
    const run = await skein(['diagnostics', 'proxy-metrics', 'po/client-0', '-n', 'demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# POD client-0 \(1 of 1\)$/m);
    expect(run.stdout).toMatch(/^response_total\{direction="outbound"/m);
  });

  it('gives helpful errors: unknown resource, missing pod, unreachable controller', async () => {
    const kind = await skein(['stat', 'deploymnt', '-n', 'demo']);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toMatch(/unknown resource kind "deploymnt"/);
    const missing = await skein(['stat', 'deploy/nope', '-n', 'demo']);
    expect(missing.stderr).toBe('Error: deployment/nope not found in namespace demo\n');
    const down = await runSkein(['stat', 'deploy', '--api-addr', '127.0.0.1:1'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /cannot reach the Skein controller at http:\/\/127\.0\.0\.1:1 \(from --api-addr\): ECONNREFUSED/,
    );
    const noCert = await skein(['identity', 'client-0', '-n', 'demo']);
    expect(noCert.code).toBe(1);
    expect(noCert.stderr).toMatch(/has no \/identity\/certificate endpoint/);
  });

  it('version shows the client and the server', async () => {
    const run = await skein(['version']);
    expect(run.stdout).toBe('Client version: 0.1.0\nServer version: 0.1.0\n');
  });
});
