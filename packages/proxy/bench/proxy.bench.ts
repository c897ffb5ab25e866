// `npm run bench -w @skein/proxy`: the Skein proxy against HAProxy (1 thread), nginx (1 worker)
// and a direct connection, in one run, on loopback. Needs nginx, haproxy, wrk and h2load.
// Prints saturation throughput (wrk for HTTP/1.1, h2load for HTTP/2), latency at a fixed
// 1,000 rps (h2load --rps, percentiles from its per-request log), RSS and the ratios.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cpuSeconds,
  freePort,
  h2load,
  rssMiB,
  startHaproxy,
  startNginxBackend,
  startNginxProxy,
  tempDir,
  waitForPort,
  wrk,
} from './peers.ts';

const seconds = Number(process.env.SKEIN_BENCH_SECONDS ?? 8);
const only = process.env.SKEIN_BENCH_ONLY; // 'h1' or 'h2' to run half of the suite
const proxyMain = fileURLToPath(new URL('../../../apps/proxy/dist/main.js', import.meta.url));
const tmp = tempDir();
const [bh1, bh2, hh1, hh2, nh1, nh2, sk, skIn, skAdmin] = await Promise.all(
  Array.from({ length: 9 }, () => freePort()),
);

const backend = await startNginxBackend(tmp.dir, bh1!, bh2!);
const haproxy = await startHaproxy(tmp.dir, hh1!, hh2!, bh1!, bh2!);
const nginxProxy = await startNginxProxy(tmp.dir, nh1!, nh2!, bh1!);
const discovery = join(tmp.dir, 'discovery.yaml');
writeFileSync(
  discovery,
  `authorities:
  backend.h1:80: { endpoints: [ { address: "127.0.0.1:${bh1}" } ] }
  backend.h2:80: { endpoints: [ { address: "127.0.0.1:${bh2}", protocolHint: h2 } ] }
`,
);
const skein = spawn(process.execPath, [proxyMain], {
  env: {
    PATH: process.env.PATH,
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: `127.0.0.1:${sk}`,
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: `127.0.0.1:${skIn}`,
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: `127.0.0.1:${skAdmin}`,
    LINKERD2_PROXY_LOG: 'error',
    SKEIN_PROXY_DISCOVERY_FILE: discovery,
    // `SKEIN_PROXY_MEMORY_PROFILE=throughput npm run bench` measures the other profile.
    ...(process.env.SKEIN_PROXY_MEMORY_PROFILE === undefined
      ? {}
      : { SKEIN_PROXY_MEMORY_PROFILE: process.env.SKEIN_PROXY_MEMORY_PROFILE }),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
await waitForPort(sk!);
const pid = skein.pid!;

interface Row {
  name: string;
  value: number;
  unit: string;
}
const rows: Row[] = [];
const record = (name: string, value: number, unit: string) => {
  rows.push({ name, value, unit });
  console.log(`${name.padEnd(52)} ${value.toFixed(unit === 'rps' ? 0 : 2).padStart(10)} ${unit}`);
};

try {
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = rssMiB(pid);
  record('skein RSS idle', idleRss, 'MiB');

  // Warm up every path.
  await wrk(`http://127.0.0.1:${sk}/`, 2, 50, ['Host: backend.h1']);
  await wrk(`http://127.0.0.1:${hh1}/`, 2, 50);

  // HTTP/1.1 keep-alive saturation, two alternating rounds, best of each.
  const h1 = { direct: 0, haproxy: 0, nginx: 0, skein: 0 };
  let peakRss = idleRss;
  let skeinCpuPerReq = 0;
  for (let round = 0; round < (only === 'h2' ? 0 : 2); round++) {
    h1.direct = Math.max(h1.direct, (await wrk(`http://127.0.0.1:${bh1}/`, seconds, 50)).rps);
    h1.haproxy = Math.max(h1.haproxy, (await wrk(`http://127.0.0.1:${hh1}/`, seconds, 50)).rps);
    h1.nginx = Math.max(h1.nginx, (await wrk(`http://127.0.0.1:${nh1}/`, seconds, 50)).rps);
    const cpu0 = cpuSeconds(pid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMiB(pid));
    }, 200);
    const r = await wrk(`http://127.0.0.1:${sk}/`, seconds, 50, ['Host: backend.h1']);
    clearInterval(sampler);
    skeinCpuPerReq = ((cpuSeconds(pid) - cpu0) / (r.rps * seconds)) * 1e6;
    h1.skein = Math.max(h1.skein, r.rps);
  }
  record('HTTP/1.1 saturation: direct (nginx)', h1.direct, 'rps');
  record('HTTP/1.1 saturation: HAProxy, 1 thread', h1.haproxy, 'rps');
  record('HTTP/1.1 saturation: nginx proxy, 1 worker', h1.nginx, 'rps');
  record('HTTP/1.1 saturation: Skein', h1.skein, 'rps');
  record('HTTP/1.1 Skein / HAProxy', h1.skein / h1.haproxy, 'x');
  record('HTTP/1.1 Skein / direct', h1.skein / h1.direct, 'x');
  record('HTTP/1.1 Skein CPU per request', skeinCpuPerReq, 'us');

  // HTTP/2 saturation (h2c prior knowledge): 10 connections x 10 streams.
  const h2 = { direct: 0, haproxy: 0, skein: 0 };
  for (let round = 0; round < (only === 'h1' ? 0 : 2); round++) {
    const opts = { clients: 10, streams: 10, seconds, dir: tmp.dir };
    h2.direct = Math.max(h2.direct, (await h2load({ ...opts, url: `http://127.0.0.1:${bh2}/` })).rps);
    h2.haproxy = Math.max(h2.haproxy, (await h2load({ ...opts, url: `http://127.0.0.1:${hh2}/` })).rps);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMiB(pid));
    }, 200);
    const r = await h2load({ ...opts, url: `http://127.0.0.1:${sk}/`, authority: 'backend.h2' });
    clearInterval(sampler);
    if (r.failed > 0) throw new Error(`h2load through Skein: ${r.failed} failed requests`);
    h2.skein = Math.max(h2.skein, r.rps);
  }
  record('HTTP/2 saturation: direct (nginx)', h2.direct, 'rps');
  record('HTTP/2 saturation: HAProxy, 1 thread', h2.haproxy, 'rps');
  record('HTTP/2 saturation: Skein', h2.skein, 'rps');
  record('HTTP/2 Skein / HAProxy', h2.skein / h2.haproxy, 'x');
  record('HTTP/2 Skein / direct', h2.skein / h2.direct, 'x');

  // Latency at a fixed 1,000 rps: 10 clients x 100 rps, one stream each.
  for (const proto of (['h1', 'h2'] as const).filter((p) => only === undefined || p === only)) {
    const opts = { clients: 10, streams: 1, seconds, rpsPerClient: 100, dir: tmp.dir, h1: proto === 'h1' };
    const directUrl = `http://127.0.0.1:${proto === 'h1' ? bh1 : bh2}/`;
    const haproxyUrl = `http://127.0.0.1:${proto === 'h1' ? hh1 : hh2}/`;
    const d = await h2load({ ...opts, url: directUrl });
    const h = await h2load({ ...opts, url: haproxyUrl });
    const s = await h2load({
      ...opts,
      url: `http://127.0.0.1:${sk}/`,
      authority: proto === 'h1' ? 'backend.h1' : 'backend.h2',
    });
    const label = proto === 'h1' ? 'HTTP/1.1' : 'HTTP/2';
    record(`${label} @1000rps p50 direct`, d.p50Ms, 'ms');
    record(`${label} @1000rps p50 HAProxy`, h.p50Ms, 'ms');
    record(`${label} @1000rps p50 Skein`, s.p50Ms, 'ms');
    record(`${label} @1000rps p99 direct`, d.p99Ms, 'ms');
    record(`${label} @1000rps p99 HAProxy`, h.p99Ms, 'ms');
    record(`${label} @1000rps p99 Skein`, s.p99Ms, 'ms');
    record(`${label} @1000rps added p99 (Skein - direct)`, s.p99Ms - d.p99Ms, 'ms');
  }
  record('skein RSS peak under load', peakRss, 'MiB');
  writeFileSync(
    fileURLToPath(new URL('./results-latest.json', import.meta.url)),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
  );
} finally {
  skein.kill('SIGTERM');
  await Promise.all([haproxy.close(), nginxProxy.close(), backend.close()]);
  tmp.remove();
}
