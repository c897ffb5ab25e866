// Tap overhead: throughput of a real SkeinProxy (outbound, HTTP/1, keep-alive) in front of an
// nginx backend, driven by wrk, in three setups measured in interleaved rounds:
//   baseline   — the proxy as it is, nobody tapping;
//   untapped   — plus a Tap.Observe server on its hub with no subscriber (what every proxy with
//                LINKERD2_PROXY_TAP_SVC_NAME runs);
//   tapped     — plus one Observe client sampling 100 requests per second (limit 100 per 1-second
//                window, as the aggregator asks at --max-rps 100), reading every event.
// Run with `npm run bench -w @skein/tap` after building @skein/proxy (imported from the
// workspace, not declared, since the proxy depends on this package).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { TapClient } from '@skein/core/proto';
import { readProxyConfig, SkeinProxy, tapInterceptor } from '@skein/proxy';
import { startTapServer, TapHub } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 16;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs wrk in a child process (the proxy serves from this process's event loop meanwhile). */
function wrk(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      [
        '-t1',
        `-c${CONNECTIONS}`,
        `-d${SECONDS}s`,
        '-H',
        'Host: web.bench.svc.cluster.local',
        `http://127.0.0.1:${port}/`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('close', () => {
      const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (m === null) reject(new Error(`wrk printed no rate:\n${out}`));
      else if (/Non-2xx/.test(out)) reject(new Error(`non-2xx responses during the run:\n${out}`));
      else resolve(Number(m[1]));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'skein-tap-bench-'));
const nginxPort = await freePort();
writeFileSync(
  join(dir, 'nginx.conf'),
  `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:${nginxPort}; keepalive_requests 1000000; location / { return 200 "hello\\n"; } } }
`,
);
const nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
writeFileSync(
  join(dir, 'discovery.yaml'),
  `authorities:\n  web.bench.svc.cluster.local:80:\n    labels: { namespace: bench, service: web }\n    endpoints: [{ address: "127.0.0.1:${nginxPort}", labels: { pod: web-0 } }]\n`,
);
await new Promise((r) => setTimeout(r, 300));
const proxy = await SkeinProxy.start({
  config: readProxyConfig({
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: '127.0.0.1:0',
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: '127.0.0.1:0',
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: '127.0.0.1:0',
    SKEIN_PROXY_DISCOVERY_FILE: join(dir, 'discovery.yaml'),
  }),
});
const port = proxy.addresses.outbound[0]!.port;

type Setup = 'baseline' | 'untapped' | 'tapped';
const results: Record<Setup, number[]> = { baseline: [], untapped: [], tapped: [] };
let tapEvents = 0;

async function measure(setup: Setup): Promise<void> {
  if (setup === 'baseline') {
    results.baseline.push(await wrk(port));
    return;
  }
  const server = await startTapServer({ hub: proxy.tap, listen: { host: '127.0.0.1', port: 0 } });
  let stop = () => {};
  if (setup === 'tapped') {
    const client = new TapClient(`127.0.0.1:${server.address.port}`, credentials.createInsecure());
    let stopped = false;
    let call: ReturnType<TapClient['observe']> | undefined;
    const open = () => {
      if (stopped) return;
      const started = Date.now();
      call = client.observe({ limit: 100 }, new Metadata());
      call.on('data', () => {
        tapEvents++;
      });
      call.on('error', () => {});
      call.on('end', () => setTimeout(open, Math.max(0, started + 1000 - Date.now())));
    };
    open();
    while (!proxy.tap.active) await new Promise((r) => setTimeout(r, 5));
    stop = () => {
      stopped = true;
      call?.cancel();
      client.close();
    };
  }
  const rate = await wrk(port);
  results[setup].push(rate);
  stop();
  await server.close();
}

try {
  // Warm-up: JIT, connection pools, the endpoint's peak-EWMA estimate.
  await wrk(port);
  for (let round = 0; round < ROUNDS; round++) {
    for (const setup of ['baseline', 'untapped', 'tapped'] as const) await measure(setup);
  }
} finally {
  await proxy.shutdown(500);
  nginx.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
const base = median(results.baseline);
const row = (name: Setup) => {
  const m = median(results[name]);
  return `${name.padEnd(9)} ${m.toFixed(0).padStart(8)} req/s  ${(((base - m) / base) * 100).toFixed(1).padStart(5)}% vs baseline  (rounds: ${results[name].map((x) => x.toFixed(0)).join(', ')})`;
};
console.log(`tap overhead: ${ROUNDS} rounds x ${SECONDS}s, wrk -c${CONNECTIONS}, proxy outbound → nginx`);
console.log(row('baseline'));
console.log(row('untapped'));
console.log(row('tapped'));
console.log(`tap events received while tapped: ${tapEvents}`);

// The untapped cost per request, measured directly: dispatching through the proxy's tap layer
// with nobody tapping versus dispatching to the inner layer itself. Immune to the machine noise
// that dominates the throughput runs above.
{
  type Dispatch = { dispatch(request: object, handler: object): void };
  let sink = 0;
  const inner: Dispatch = {
    dispatch() {
      sink++;
    },
  };
  const tapped = tapInterceptor(new TapHub(), 'outbound')(inner as never) as unknown as Dispatch;
  const request = {};
  const handler = {};
  const N = 20_000_000;
  const time = (d: Dispatch) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) d.dispatch(request, handler);
    return Number(process.hrtime.bigint() - t0) / N;
  };
  const direct: number[] = [];
  const through: number[] = [];
  for (let i = 0; i < 5; i++) {
    direct.push(time(inner));
    through.push(time(tapped));
  }
  const extraNs = Math.max(0, median(through) - median(direct));
  const perRequestNs = 1e9 / base;
  console.log(
    `untapped tap layer: ${median(through).toFixed(2)} ns/request vs ${median(direct).toFixed(2)} ns direct: +${extraNs.toFixed(2)} ns, ${((extraNs / perRequestNs) * 100).toFixed(4)}% of a proxied request at the baseline rate (${perRequestNs.toFixed(0)} ns)`,
  );
  if (sink === 0) console.log('');
}
