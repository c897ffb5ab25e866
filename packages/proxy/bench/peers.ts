// Benchmark peers: nginx (backend and 1-worker proxy) and HAProxy (1 thread), started from
// generated configs in a temporary directory, plus load tools (wrk, h2load) and result parsing.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A 1 KiB response body, the size the reference figures use. */
export const BODY_1K = 'x'.repeat(1024);

export interface Peer {
  name: string;
  pid: number;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startDaemon(name: string, cmd: string, args: string[], ports: number[], dir: string): Promise<Peer> {
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return Promise.all(ports.map((p) => waitForPort(p))).then(
    () => ({
      name,
      pid: child.pid!,
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 3000).unref();
        }),
    }),
    (err: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start: ${err.message}\n${stderr}`);
    },
  );
}

/** nginx with one worker serving a 1 KiB body on an HTTP/1.1 port and an h2c port. */
export async function startNginxBackend(dir: string, h1Port: number, h2Port: number): Promise<Peer> {
  const conf = join(dir, 'nginx-backend.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx-backend.pid;
error_log ${dir}/nginx-backend-error.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  http2_max_concurrent_streams 1000;
  server {
    listen 127.0.0.1:${h1Port};
    listen 127.0.0.1:${h2Port} http2;
    location / { default_type text/plain; return 200 "${BODY_1K}"; }
  }
}
`,
  );
  return startDaemon('nginx-backend', 'nginx', ['-c', conf, '-p', dir], [h1Port, h2Port], dir);
}

/** nginx with one worker as a reverse proxy in front of the backend (HTTP/1.1 and h2c in, HTTP/1.1 out). */
export async function startNginxProxy(
  dir: string,
  h1Port: number,
  h2Port: number,
  backendH1: number,
): Promise<Peer> {
  const conf = join(dir, 'nginx-proxy.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx-proxy.pid;
error_log ${dir}/nginx-proxy-error.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  http2_max_concurrent_streams 1000;
  upstream backend { server 127.0.0.1:${backendH1}; keepalive 256; }
  server {
    listen 127.0.0.1:${h1Port};
    listen 127.0.0.1:${h2Port} http2;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
  );
  return startDaemon('nginx-proxy', 'nginx', ['-c', conf, '-p', dir], [h1Port, h2Port], dir);
}

/** HAProxy with one thread: HTTP/1.1 → backend HTTP/1.1, h2c → backend h2c. */
export async function startHaproxy(
  dir: string,
  h1Port: number,
  h2Port: number,
  backendH1: number,
  backendH2: number,
  extra = '',
): Promise<Peer> {
  const conf = join(dir, `haproxy-${h1Port}.cfg`);
  writeFileSync(
    conf,
    `global
  nbthread 1
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  http-reuse always
frontend h1
  bind 127.0.0.1:${h1Port}
  default_backend b1
frontend h2
  bind 127.0.0.1:${h2Port} proto h2
  default_backend b2
backend b1
  server s1 127.0.0.1:${backendH1} ${extra}
backend b2
  server s2 127.0.0.1:${backendH2} proto h2 ${extra}
`,
  );
  return startDaemon('haproxy', 'haproxy', ['-f', conf, '-db'], [h1Port, h2Port], dir);
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'skein-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resident set size of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** CPU time (user+sys) of a process in seconds. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** wrk at saturation (closed loop): one thread pinned to CPU 1, `connections` connections. */
export async function wrk(
  url: string,
  seconds: number,
  connections: number,
  headers: string[] = [],
): Promise<WrkResult> {
  const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency'];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  const { stdout } = await run('taskset', args, { maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  if (non2xx !== null) throw new Error(`wrk saw ${non2xx[1]} error responses from ${url}\n${stdout}`);
  return { rps, p50Ms: wrkLatency(stdout, '50%'), p99Ms: wrkLatency(stdout, '99%') };
}

function wrkLatency(out: string, pct: string): number {
  const m = new RegExp(`${pct.replace('%', '%')}\\s+([\\d.]+)(us|ms|s)`).exec(out);
  if (m === null) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

export interface H2loadResult {
  rps: number;
  succeeded: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * h2load: saturation (`rpsPerClient` undefined) or constant rate (`--rps` per client), HTTP/2
 * prior knowledge or `--h1`. Latencies come from the per-request log, so percentiles are exact.
 */
export async function h2load(options: {
  url: string;
  clients: number;
  streams: number;
  seconds: number;
  rpsPerClient?: number;
  h1?: boolean;
  authority?: string;
  dir: string;
}): Promise<H2loadResult> {
  const log = join(options.dir, `h2load-${Date.now()}-${Math.random().toString(16).slice(2)}.log`);
  const args = [
    '-c',
    '1',
    'h2load',
    `-c${options.clients}`,
    `-m${options.streams}`,
    `-D${options.seconds}`,
    `--log-file=${log}`,
  ];
  if (options.rpsPerClient !== undefined) args.push(`--rps=${options.rpsPerClient}`);
  if (options.h1 === true) args.push('--h1');
  if (options.authority !== undefined) args.push('-H', `:authority: ${options.authority}`);
  args.push(options.url);
  const { stdout } = await run('taskset', args, { maxBuffer: 1 << 22 });
  const done = /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(stdout);
  const rps = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout)?.[1]);
  const durations: number[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const cols = line.split('\t');
    if (cols.length >= 3 && cols[1] !== '-1') durations.push(Number(cols[2]) / 1000);
  }
  durations.sort((a, b) => a - b);
  const pct = (p: number) =>
    durations.length === 0
      ? Number.NaN
      : durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]!;
  return {
    rps,
    succeeded: Number(done?.[2] ?? 0),
    failed: Number(done?.[3] ?? 0),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  };
}
