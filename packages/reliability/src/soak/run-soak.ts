import { cpus, loadavg } from 'node:os';
import type { RunningProcess } from '@skein/testkit';
import { request } from 'undici';
import { type HeapUsage, heapUsage, isHeapLine } from './heap-samples.ts';
import { startLoadGenerator } from './load-generator-process.ts';
import {
  LOAD_LINE,
  type LoadPlan,
  type LoadProgress,
  type LoadResult,
  type StreamResult,
} from './load-plan.ts';
import { ProcSampler } from './proc-sampler.ts';
import { type MachineUsage, machineUsage, type ProcessUsage, processUsage } from './resource-usage.ts';
import { type SoakCheck, soakChecks } from './soak-checks.ts';
import { BACKEND_AUTHORITY, type SoakMesh, startSoakMesh } from './soak-mesh.ts';
import type { SoakOptions } from './soak-options.ts';

/** Everything a soak measured, and its verdict. */
export interface SoakReport {
  startedAt: string;
  options: SoakOptions;
  host: { node: string; cpus: number; cpuModel: string; loadAvgBefore: number[]; loadAvgAfter: number[] };
  mesh: StreamResult;
  direct: StreamResult;
  /** Mesh latency minus direct latency after warm-up, ms. */
  added: { p50: number; p99: number; max: number };
  proxies: Record<'outbound' | 'inbound', ProcessUsage>;
  /** The proxies' V8 heap, when the soak ran with `heap`. */
  heap: Partial<Record<'outbound' | 'inbound', HeapUsage>>;
  backend: ProcessUsage;
  generator: { cpuSeconds: number; sendLagP99Ms: number; sendLagMaxMs: number };
  machine: MachineUsage;
  /** Warning and error lines the proxies logged (first 20 of each). */
  proxyLog: Record<'outbound' | 'inbound', string[]>;
  checks: SoakCheck[];
  passed: boolean;
}

async function smokeTest(origin: string, host: string, bodyBytes: number): Promise<void> {
  const res = await request(`${origin}/smoke`, { headers: { host } });
  const body = await res.body.arrayBuffer();
  if (res.statusCode !== 200 || body.byteLength !== bodyBytes) {
    throw new Error(
      `soak: ${origin} (Host ${host}) answered ${res.statusCode} with ${body.byteLength} bytes (l5d-proxy-error: ${String(res.headers['l5d-proxy-error'])}); expected 200 with ${bodyBytes} bytes`,
    );
  }
}

function progressLine(generator: RunningProcess, sampler: ProcSampler): string | undefined {
  const out = generator.stdout();
  const at = out.lastIndexOf(LOAD_LINE.progress);
  if (at < 0) return undefined;
  const end = out.indexOf('\n', at);
  const p = JSON.parse(out.slice(at + LOAD_LINE.progress.length, end < 0 ? undefined : end)) as LoadProgress;
  const rss = sampler.latestRssMiB();
  const streams = p.streams
    .map((s) => `${s.name} ${s.done} done ${s.failed} failed max ${s.maxMsSinceLast} ms`)
    .join(' | ');
  return `t=${p.t.toFixed(0)}s ${streams} | RSS out ${rss.outbound?.toFixed(1)} in ${rss.inbound?.toFixed(1)} MiB`;
}

function warnings(proxy: RunningProcess): string[] {
  return proxy
    .output()
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('skein-proxy ready') && !isHeapLine(l))
    .slice(0, 20);
}

/**
 * Runs one soak: starts the mesh, sends `rps` requests per second for the duration both through
 * the two proxies and directly to the backend, samples the proxies' RSS and CPU, stops
 * everything and returns the measurements with the checks. `onProgress` gets a line about every
 * tenth of the run.
 */
export async function runSoak(
  options: SoakOptions,
  onProgress?: (line: string) => void,
): Promise<SoakReport> {
  const startedAt = new Date().toISOString();
  const loadAvgBefore = loadavg();
  const mesh: SoakMesh = await startSoakMesh({
    bodyBytes: options.bodyBytes,
    proxyNodeArgs: options.proxyNodeArgs,
    proxyBin: options.proxyBin,
    heapIntervalMs: options.heap ? options.sampleIntervalMs : undefined,
  });
  try {
    await smokeTest(mesh.directOrigin, mesh.directHost, options.bodyBytes);
    await smokeTest(mesh.meshOrigin, BACKEND_AUTHORITY, options.bodyBytes);
    const exited: string[] = [];
    const named: Array<[string, RunningProcess]> = [
      ['identity', mesh.identity],
      ['backend', mesh.backend],
      ['outbound proxy', mesh.outboundProxy],
      ['inbound proxy', mesh.inboundProxy],
    ];
    let running = true;
    for (const [name, p] of named) {
      void p.exited.then((e) => {
        if (running) exited.push(`${name} exited (code ${e.code}, signal ${e.signal})`);
      });
    }
    const plan: LoadPlan = {
      rps: options.rps,
      durationMs: options.durationMs,
      warmupMs: options.durationMs * options.warmupFraction,
      streams: [
        { name: 'mesh', origin: mesh.meshOrigin, host: BACKEND_AUTHORITY },
        { name: 'direct', origin: mesh.directOrigin, host: mesh.directHost },
      ],
      connections: options.connections,
      timeoutMs: options.timeoutMs,
      bodyBytes: options.bodyBytes,
      progressMs: Math.max(1_000, Math.round(options.durationMs / 10)),
      windows: 10,
    };
    const { process: generator, result } = await startLoadGenerator(plan);
    const sampler = new ProcSampler(
      {
        outbound: mesh.outboundProxy.pid,
        inbound: mesh.inboundProxy.pid,
        backend: mesh.backend.pid,
        generator: generator.pid,
      },
      options.sampleIntervalMs,
    );
    sampler.start();
    const progress = setInterval(() => {
      const line = progressLine(generator, sampler);
      if (line !== undefined) onProgress?.(line);
    }, plan.progressMs + 50);
    let load: LoadResult;
    let series: ReturnType<ProcSampler['stop']>;
    try {
      load = await result;
    } finally {
      clearInterval(progress);
      series = sampler.stop();
    }
    running = false;
    const warmupS = plan.warmupMs / 1000;
    const [meshResult, directResult] = load.streams as [StreamResult, StreamResult];
    const proxies = {
      outbound: processUsage(series.processes.outbound!, warmupS),
      inbound: processUsage(series.processes.inbound!, warmupS),
    };
    const heap: SoakReport['heap'] = {};
    for (const [name, p] of [
      ['outbound', mesh.outboundProxy],
      ['inbound', mesh.inboundProxy],
    ] as const) {
      const usage = heapUsage(p.stderr(), sampler.startEpochMs, warmupS);
      if (usage !== undefined) heap[name] = usage;
    }
    const checks = soakChecks({ mesh: meshResult, direct: directResult, proxies, exited }, options);
    return {
      startedAt,
      options,
      host: {
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadAvgBefore,
        loadAvgAfter: loadavg(),
      },
      mesh: meshResult,
      direct: directResult,
      added: {
        p50: meshResult.latency.p50 - directResult.latency.p50,
        p99: meshResult.latency.p99 - directResult.latency.p99,
        max: meshResult.latency.max - directResult.latency.max,
      },
      proxies,
      heap,
      backend: processUsage(series.processes.backend!, warmupS),
      generator: {
        cpuSeconds: load.cpuSeconds,
        sendLagP99Ms: load.sendLagP99Ms,
        sendLagMaxMs: load.sendLagMaxMs,
      },
      machine: machineUsage(series.machine, warmupS, cpus().length),
      proxyLog: { outbound: warnings(mesh.outboundProxy), inbound: warnings(mesh.inboundProxy) },
      checks,
      passed: checks.every((c) => c.passed),
    };
  } finally {
    await mesh.close();
  }
}
