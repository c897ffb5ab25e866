import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalMeshBinaries } from '../src/components/binaries.js';
import { ComponentFailedError, PortTakenError } from '../src/errors.js';
import type { LocalMeshEvent } from '../src/events.js';
import { LocalMesh } from '../src/local-mesh.js';
import type { MeshTopology } from '../src/plan/topology.js';
import { randomBaseIp, randomPortOffset } from './support/base-ip.js';

const app = (name: string) => fileURLToPath(new URL(`../../../apps/${name}/dist/main.js`, import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const node = process.execPath;
const binaries: LocalMeshBinaries = {
  node,
  identity: app('identity'),
  destination: app('destination'),
  controller: app('controller'),
  tap: app('tap'),
  proxy: app('proxy'),
};
const root = mkdtempSync(join(tmpdir(), 'skein-local-mesh-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `caller` → `server`, both meshed, in namespace `demo`. */
const topology = (serverScript = 'echo-server.mjs'): MeshTopology => ({
  namespace: 'demo',
  workloads: [
    {
      name: 'server',
      port: 8080,
      service: { name: 'server', port: 80 },
      routes: [{ name: 'hello', method: 'GET', pathRegex: '/hello' }],
      app: (ctx) => ({
        command: node,
        args: [fixture(serverScript), ctx.listenAddr(8080)],
        ready: /listening/,
      }),
    },
    {
      name: 'caller',
      traffic: true,
      app: (ctx) => ({
        command: node,
        args: [fixture('caller.mjs'), ctx.outboundProxy!, ctx.serviceAddr('server')],
        ready: /calling/,
      }),
    },
  ],
});

// A zombie (exited, not yet reaped) does not count as running.
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const getText = async (url: string) => (await fetch(url)).text();

describe('LocalMesh over loopback', () => {
  it('starts the control plane and meshed pods, carries traffic over mTLS, and stops every process', async () => {
    const runDir = join(root, 'ok');
    const mesh = new LocalMesh({
      topology: topology(),
      binaries,
      runDir,
      baseIp: randomBaseIp(),
      portOffset: randomPortOffset(),
      advertise: false,
      scrapeIntervalMs: 500,
      env: { PATH: process.env.PATH },
    });
    const events: LocalMeshEvent[] = [];
    mesh.events.subscribe((e) => events.push(e));
    try {
      const endpoints = await mesh.start();
      const ready = events
        .filter((e) => e.type === 'ready')
        .map((e) => (e.type === 'ready' ? e.component : ''));
      expect(new Set(ready)).toEqual(
        new Set([
          'identity',
          'destination',
          'controller',
          'tap',
          'server-0.app',
          'server-0.proxy',
          'caller-0.proxy',
          'caller-0.app',
        ]),
      );
      // The traffic generator comes last, after everything else is ready.
      expect(ready.at(-1)).toBe('caller-0.app');
      expect(events.at(-1)).toMatchObject({ type: 'running', endpoints: { dashboardUrl: undefined } });
      expect(endpoints.processes).toHaveLength(8);

      // The server's proxy saw the caller's identity over TLS (the caller's requests went
      // caller → its proxy → mTLS + transport header → server's proxy → server).
      const server = endpoints.pods.find((p) => p.name === 'server-0')!;
      const callerId = 'caller.demo.serviceaccount.identity.linkerd.cluster.local';
      let metrics = '';
      for (let i = 0; i < 50 && !metrics.includes(callerId); i++) {
        await new Promise((r) => setTimeout(r, 100));
        metrics = await getText(`http://${server.adminAddr}/metrics`);
      }
      expect(metrics).toMatch(
        new RegExp(
          `request_total\\{direction="inbound",[^}]*tls="true",client_id="${callerId.replaceAll('.', '\\.')}"`,
        ),
      );
      // The controller, scraping the generated inventory, reports the edge as secured.
      let edges: { src: { name: string }; dst: { name: string }; secured: boolean }[] = [];
      for (let i = 0; i < 60 && edges.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await fetch(
          `${endpoints.controllerUrl}/api/edges?kind=deployment&namespace=demo&window=10s`,
        );
        edges = ((await res.json()) as { rows: typeof edges }).rows;
      }
      expect(edges.map((e) => [e.src.name, e.dst.name, e.secured])).toEqual([['caller', 'server', true]]);
    } finally {
      await mesh.stop();
    }
    const pids = mesh.pids;
    expect(pids).toEqual([]);
    const spawned = events.flatMap((e) => (e.type === 'starting' ? [e] : []));
    expect(spawned).toHaveLength(8);
    for (const p of spawned) expect(running(p.pid), `${p.component} (pid ${p.pid}) still runs`).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'stopped' });
  });

  it('refuses to start when a port is taken, naming it and its holder, and starts nothing', async () => {
    const baseIp = randomBaseIp();
    const portOffset = randomPortOffset();
    const serverIp = baseIp.replace(/\.1$/, '.2');
    const squatter = net.createServer().listen(4143 + portOffset, serverIp);
    await once(squatter, 'listening');
    const mesh = new LocalMesh({
      topology: topology(),
      binaries,
      runDir: join(root, 'taken'),
      baseIp,
      portOffset,
      advertise: false,
    });
    const events: LocalMeshEvent[] = [];
    mesh.events.subscribe((e) => events.push(e));
    try {
      const err = await mesh.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortTakenError);
      expect((err as Error).message).toContain(
        `${serverIp}:${4143 + portOffset} is taken by pid ${process.pid} (${process.execPath}`,
      );
      expect((err as Error).message).toContain(
        'the local mesh needs it for the proxy inbound listener of server-0',
      );
      expect(events.filter((e) => e.type === 'starting')).toEqual([]);
    } finally {
      squatter.close();
    }
  });

  it('reports a component that dies while starting, with its output, and stops the rest', async () => {
    const mesh = new LocalMesh({
      topology: topology('no-such-server.mjs'),
      binaries,
      runDir: join(root, 'dies'),
      baseIp: randomBaseIp(),
      portOffset: randomPortOffset(),
      advertise: false,
    });
    const started: number[] = [];
    mesh.events.subscribe((e) => {
      if (e.type === 'starting') started.push(e.pid);
    });
    const err = await mesh.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComponentFailedError);
    expect((err as ComponentFailedError).component).toBe('server-0.app');
    expect((err as Error).message).toMatch(
      /^server-0\.app exited with code 1 \(log: .*server-0\.app\.log\)\.\n--- last output of server-0\.app ---\n[\s\S]*Cannot find module/,
    );
    expect(mesh.pids).toEqual([]);
    // identity, destination, controller, tap, the server app at least: all stopped again.
    expect(started.length).toBeGreaterThanOrEqual(5);
    for (const pid of started) expect(running(pid), `pid ${pid} still runs`).toBe(false);
  });
});
