// `npm run bench -w @skein/app-proxy` (root only): the full transparent path against the same
// pods without proxies, in one run. Two pods are network namespaces (test/support/transparent-pods.ts,
// shared with the end-to-end test): a load generator in pod A calls pod B's IP, nginx answers in
// pod B. Meshed, the connection goes A app → iptables → A proxy outbound (SO_ORIGINAL_DST) → mTLS →
// iptables → B proxy inbound → B app; direct, skein-proxy-init --cleanup has removed both pods'
// rules, so the same tools reach the same nginx with the (idle) proxies out of the path. Modes
// alternate meshed/direct, direct/meshed over the rounds, and every run checks on the proxies'
// counters that it took the path it claims. Prints a table and writes bench/results-latest.json.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canCreateNetns, type Pod, type RunningProcess } from '@skein/testkit';
import { APP_UID, MESH_PORTS, TransparentPods } from '../test/support/transparent-pods.ts';
import {
  type H2loadRun,
  h2loadIn,
  type LoadResult,
  type LoadSite,
  quantile,
  wrkIn,
} from './support/load-in-pod.ts';
import { checkPath, type MeshPath, readPath } from './support/mesh-path-check.ts';
import { startNginxIn } from './support/nginx-in-pod.ts';
import { cpuSeconds, rssMiB } from './support/process-usage.ts';

const seconds = Number(process.env.SKEIN_BENCH_SECONDS ?? 5);
const rounds = Number(process.env.SKEIN_BENCH_ROUNDS ?? 2);
const PORT = { h1: 8080, h2: 8081 } as const;
const SAT_CONNECTIONS = 32;
// 1,000 rps as 10 connections at 100 rps each, one request in flight per connection.
const RATE = { clients: 10, streams: 1, rpsPerClient: 100 } as const;

type Mode = 'direct' | 'meshed';
interface Sample {
  round: number;
  mode: Mode;
  scenario: string;
  rps: number;
  requests: number;
  p50Ms?: number;
  p99Ms?: number;
}

// Per-request latencies of the fixed-rate runs, pooled over the rounds, by `mode scenario`.
const latencies = new Map<string, number[]>();
// CPU time both proxies spent per request in each meshed HTTP/1.1 saturation run.
const cpuPerRequestUs: number[] = [];

if (!canCreateNetns()) {
  console.log('transparent.bench: skipped, it needs root (network namespaces and iptables)');
  process.exit(0);
}
// On Ctrl-C or a kill, exit through the 'exit' hooks: @skein/testkit kills what runs in the
// namespaces and deletes them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const pods = await TransparentPods.create({ ipv6: false, proxyLog: 'error' });
process.once('exit', () => rmSync(pods.dir, { recursive: true, force: true }));
try {
  const a = await pods.addPod('a');
  const b = await pods.addPod('b');
  pods.setDiscovery(`services:
  - name: server
    namespace: demo
    ports: [${PORT.h1}, ${PORT.h2}]
    endpoints:
      - { ip: ${b.ip}, pod: server-0, serviceAccount: server, meshed: true }
  - name: client
    namespace: demo
    ports: [80]
    endpoints:
      - { ip: ${a.ip}, pod: client-0, serviceAccount: client, meshed: true }
`);
  await startNginxIn({
    pod: b,
    uid: APP_UID,
    dir: join(pods.dir, 'nginx'),
    h1Port: PORT.h1,
    h2Port: PORT.h2,
  });
  const proxyB = await pods.mesh(b, 'server');
  const proxyA = await pods.mesh(a, 'client');
  const loadDir = join(pods.dir, 'load');
  mkdirSync(loadDir);
  chmodSync(loadDir, 0o777);
  const site: LoadSite = { pod: a, uid: APP_UID, dir: loadDir };
  const path: MeshPath = { client: a, server: b, adminPort: MESH_PORTS.admin };
  const samples = await runRounds(site, path, [a, b], [proxyA, proxyB]);
  report(samples, b.ip, [proxyA, proxyB]);
  // The proxies log at `error`: anything past their ready line is worth seeing next to the figures.
  for (const [name, proxy] of [
    ['A', proxyA],
    ['B', proxyB],
  ] as const) {
    const logged = proxy
      .output()
      .split('\n')
      .filter((l) => l !== '' && !l.includes('skein-proxy ready'));
    if (logged.length > 0) console.log(`proxy ${name} logged ${logged.length} lines, last: ${logged.at(-1)}`);
  }
} finally {
  await pods.close();
}

async function runRounds(site: LoadSite, path: MeshPath, meshPods: Pod[], proxies: RunningProcess[]) {
  const h1 = `http://${path.server.ip}:${PORT.h1}/`;
  const h2 = `http://${path.server.ip}:${PORT.h2}/`;
  const samples: Sample[] = [];
  const setMode = async (mode: Mode) => {
    for (const pod of meshPods) await (mode === 'meshed' ? pods.redirect(pod) : pods.unredirect(pod));
  };
  // Runs one load, checks the path on the proxies' counters and records the sample.
  const measure = async (round: number, mode: Mode, scenario: string, load: () => Promise<LoadResult>) => {
    const before = await readPath(path);
    const r = await load();
    checkPath(`${mode} ${scenario}`, mode === 'meshed', r.ok, before, await readPath(path));
    const sample: Sample = { round, mode, scenario, rps: r.rps, requests: r.ok };
    if (r.latenciesMs.length > 0) {
      sample.p50Ms = quantile(r.latenciesMs, 0.5);
      sample.p99Ms = quantile(r.latenciesMs, 0.99);
      const pooled = latencies.get(`${mode} ${scenario}`) ?? [];
      for (const ms of r.latenciesMs) pooled.push(ms);
      latencies.set(`${mode} ${scenario}`, pooled);
    }
    samples.push(sample);
    const lat =
      sample.p99Ms === undefined ? '' : `  p50 ${fmt(sample.p50Ms!)} ms  p99 ${fmt(sample.p99Ms)} ms`;
    console.log(
      `  round ${round + 1} ${mode.padEnd(6)} ${scenario.padEnd(24)} ${r.rps.toFixed(0).padStart(7)} rps${lat}`,
    );
    return r;
  };
  const rate = (url: string, h1: boolean): H2loadRun => ({ url, seconds, h1, ...RATE });
  for (let round = 0; round < rounds; round++) {
    const order: Mode[] = round % 2 === 0 ? ['meshed', 'direct'] : ['direct', 'meshed'];
    for (const mode of order) {
      await setMode(mode);
      // Warm-up: new connections on this path, the proxies' JIT and pools.
      await wrkIn(site, h1, 2, SAT_CONNECTIONS);
      await h2loadIn(site, { url: h2, clients: 10, streams: 10, seconds: 2 });
      const cpu0 = proxies.map((p) => cpuSeconds(p.pid));
      const sat = await measure(round, mode, 'HTTP/1.1 saturation', () =>
        wrkIn(site, h1, seconds, SAT_CONNECTIONS),
      );
      if (mode === 'meshed') {
        const us = proxies.map((p, i) => ((cpuSeconds(p.pid) - cpu0[i]!) / sat.ok) * 1e6);
        cpuPerRequestUs.push(us[0]! + us[1]!);
      }
      await measure(round, mode, 'HTTP/2 saturation', () =>
        h2loadIn(site, { url: h2, clients: 10, streams: 10, seconds }),
      );
      await measure(round, mode, 'HTTP/1.1 @1000 rps', () => h2loadIn(site, rate(h1, true)));
      await measure(round, mode, 'HTTP/2 @1000 rps', () => h2loadIn(site, rate(h2, false)));
    }
  }
  return samples;
}

function fmt(n: number): string {
  return n.toFixed(n >= 100 ? 0 : 2);
}

function report(samples: Sample[], serverIp: string, proxies: RunningProcess[]): void {
  interface Row {
    name: string;
    value: number;
    unit: string;
  }
  const rows: Row[] = [];
  const row = (name: string, value: number, unit: string) => rows.push({ name, value, unit });
  const best = (mode: Mode, scenario: string) =>
    Math.max(...samples.filter((s) => s.mode === mode && s.scenario === scenario).map((s) => s.rps));
  const lines: string[][] = [['', 'direct', 'meshed', 'meshed/direct', 'added']];
  for (const scenario of ['HTTP/1.1 saturation', 'HTTP/2 saturation']) {
    const d = best('direct', scenario);
    const m = best('meshed', scenario);
    row(`${scenario}: direct`, d, 'rps');
    row(`${scenario}: meshed`, m, 'rps');
    row(`${scenario}: meshed / direct`, m / d, 'x');
    lines.push([
      `${scenario} (rps, best of ${rounds})`,
      d.toFixed(0),
      m.toFixed(0),
      `${(m / d).toFixed(2)}x`,
      '',
    ]);
  }
  for (const scenario of ['HTTP/1.1 @1000 rps', 'HTTP/2 @1000 rps']) {
    const achieved = (mode: Mode) => {
      const runs = samples.filter((s) => s.mode === mode && s.scenario === scenario);
      return runs.reduce((sum, s) => sum + s.rps, 0) / runs.length;
    };
    const pooled = (mode: Mode) => (latencies.get(`${mode} ${scenario}`) ?? []).sort((x, y) => x - y);
    const direct = pooled('direct');
    const meshed = pooled('meshed');
    for (const p of [0.5, 0.99]) {
      const d = quantile(direct, p);
      const m = quantile(meshed, p);
      const name = `${scenario} p${p * 100}`;
      row(`${name}: direct`, d, 'ms');
      row(`${name}: meshed`, m, 'ms');
      row(`${name}: added`, m - d, 'ms');
      lines.push([`${name} (ms, all rounds)`, fmt(d), fmt(m), `${(m / d).toFixed(2)}x`, `+${fmt(m - d)} ms`]);
    }
    row(`${scenario} achieved: direct`, achieved('direct'), 'rps');
    row(`${scenario} achieved: meshed`, achieved('meshed'), 'rps');
    lines.push([
      `${scenario} achieved (rps)`,
      achieved('direct').toFixed(0),
      achieved('meshed').toFixed(0),
      '',
      '',
    ]);
  }
  const cpu = Math.min(...cpuPerRequestUs);
  row('proxies CPU per HTTP/1.1 request (A + B)', cpu, 'us');
  const [rssA, rssB] = proxies.map((p) => rssMiB(p.pid));
  row('proxy A RSS after load', rssA!, 'MiB');
  row('proxy B RSS after load', rssB!, 'MiB');
  lines.push(['proxies CPU per HTTP/1.1 request, A + B (µs)', '', cpu.toFixed(0), '', '']);
  lines.push(['proxy RSS after load, A / B (MiB)', '', `${rssA!.toFixed(0)} / ${rssB!.toFixed(0)}`, '', '']);

  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log(
    `\ntransparent path to ${serverIp}: ${rounds} rounds of ${seconds} s per run, ${cpus().length} CPUs`,
  );
  for (const l of lines)
    console.log(l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  writeFileSync(
    fileURLToPath(new URL('./results-latest.json', import.meta.url)),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
        seconds,
        rounds,
        rows,
        samples,
      },
      null,
      2,
    )}\n`,
  );
}
