// `npm run bench -w @skein/local` (after `npm run build`): starts the emojivoto demo on a local
// mesh (loopback), and measures how long until it runs, how long until the controller shows
// traffic for web, emoji and voting with three mTLS edges, and each process's memory (RSS and
// PSS) and CPU at steady state — once with the default V8 flags of the mesh
// (`--max-semi-space-size=1`) and once with Node's defaults, for comparison.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emojivotoTopology, LocalMesh } from '../dist/index.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const app = (name: string) => repo(`apps/${name}/dist/main.js`);
const node = process.execPath;
const dashboard = existsSync(app('web')) ? app('web') : undefined;
const STEADY_MS = 20_000;
const TICKS = 100; // USER_HZ on Linux

interface Sample {
  name: string;
  rssMb: number;
  pssMb: number;
  cpuTicks: number;
}

function sample(name: string, pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const pss = Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { name, rssMb: rss / 1024, pssMb: pss / 1024, cpuTicks: Number(f[11]) + Number(f[12]) };
}

async function json<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

async function run(label: string, nodeFlags: string[] | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'skein-local-bench-'));
  const baseIp = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.1`;
  const mesh = new LocalMesh({
    topology: emojivotoTopology({ node, main: repo('examples/emojivoto/src/main.ts') }),
    binaries: {
      node,
      identity: app('identity'),
      destination: app('destination'),
      controller: app('controller'),
      tap: app('tap'),
      proxy: app('proxy'),
      ...(dashboard === undefined ? {} : { dashboard }),
    },
    runDir: join(dir, 'run'),
    baseIp,
    // Away from Linkerd's ports, which other work on this machine may hold on every address.
    portOffset: 10_000 + Math.floor(Math.random() * 12_000),
    advertise: false,
    env: { PATH: process.env.PATH },
    ...(nodeFlags === undefined ? {} : { nodeFlags }),
  });
  const began = Date.now();
  try {
    const endpoints = await mesh.start();
    const runningMs = Date.now() - began;
    const api = endpoints.controllerUrl;
    for (;;) {
      const stat = await json<{
        rows: { resource: { name: string }; stats: { requestRate: number | null } | null }[];
      }>(`${api}/api/stat?kind=deployment&namespace=default&window=30s`);
      const edges = await json<{ rows: { secured: boolean }[] }>(
        `${api}/api/edges?kind=deployment&namespace=default`,
      );
      const busy = ['web', 'emoji', 'voting'].every(
        (n) => (stat.rows.find((r) => r.resource.name === n)?.stats?.requestRate ?? 0) > 0,
      );
      if (busy && edges.rows.filter((e) => e.secured).length === 3) break;
      if (Date.now() - began > 120_000) throw new Error('no traffic within 120 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const trafficMs = Date.now() - began;
    const before = endpoints.processes.map((p) => sample(p.name, p.pid));
    await new Promise((r) => setTimeout(r, STEADY_MS));
    const after = endpoints.processes.map((p) => sample(p.name, p.pid));
    const rows = after.map((a, i) => ({
      ...a,
      cpuPct: ((a.cpuTicks - before[i]!.cpuTicks) / TICKS / (STEADY_MS / 1000)) * 100,
    }));
    return { label, runningMs, trafficMs, rows };
  } finally {
    await mesh.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [
  await run('mesh defaults (--max-semi-space-size=1)', undefined),
  await run('Node defaults', []),
];
const [tuned, plain] = results as [Awaited<ReturnType<typeof run>>, Awaited<ReturnType<typeof run>>];
const total = (r: typeof tuned, k: 'rssMb' | 'pssMb' | 'cpuPct') => r.rows.reduce((s, x) => s + x[k], 0);
console.log(`Node ${process.version}, ${tuned.rows.length} processes, vote-bot at 5 visits/s (web 10 rps)\n`);
console.log('| process | RSS MB | PSS MB | CPU % | RSS MB, Node defaults |');
console.log('|---|---|---|---|---|');
for (const r of tuned.rows) {
  const p = plain.rows.find((x) => x.name === r.name)!;
  console.log(
    `| ${r.name} | ${r.rssMb.toFixed(0)} | ${r.pssMb.toFixed(0)} | ${r.cpuPct.toFixed(1)} | ${p.rssMb.toFixed(0)} |`,
  );
}
console.log(
  `| **total** | **${total(tuned, 'rssMb').toFixed(0)}** | **${total(tuned, 'pssMb').toFixed(0)}** | **${total(tuned, 'cpuPct').toFixed(1)}** | ${total(plain, 'rssMb').toFixed(0)} (×${(total(plain, 'rssMb') / total(tuned, 'rssMb')).toFixed(2)}) |`,
);
for (const r of results)
  console.log(
    `\n${r.label}: running after ${(r.runningMs / 1000).toFixed(1)} s; traffic with 3 mTLS edges after ${(r.trafficMs / 1000).toFixed(1)} s`,
  );
