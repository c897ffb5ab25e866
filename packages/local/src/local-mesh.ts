import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, nullLogger } from '@skein/core';
import { type Observable, Subject } from 'rxjs';
import type { LocalMeshBinaries } from './components/binaries.js';
import type { ComponentSpec } from './components/component-spec.js';
import { controlPlaneComponents, logFileOf } from './components/control-plane.js';
import { appComponent, proxyComponent, TAP_IDENTITY } from './components/pod-components.js';
import { InvalidLocalMeshError, NetnsError } from './errors.js';
import type { LocalMeshEndpoints, LocalMeshEvent } from './events.js';
import { discoveryFile } from './files/discovery-file.js';
import { type IdentityMaterial, writeIdentityMaterial } from './files/identity-material.js';
import { inventoryFile } from './files/inventory-file.js';
import {
  APP_UID,
  CONTROL_PLANE_ACCOUNT,
  CONTROL_PLANE_POD,
  controlPlaneIdentity,
  controlPlanePod,
  PROXY_UID,
  podSubnet,
} from './netns/netns-layout.js';
import { NetnsRuntime } from './netns/netns-runtime.js';
import { deleteNamespaces, netnsProblem } from './netns/pod-network.js';
import { checkAddressesFree } from './network/port-check.js';
import { meshEndpoints, wantedAddresses } from './plan/mesh-addresses.js';
import { type MeshPlan, type PodPlan, planLocalMesh } from './plan/mesh-plan.js';
import type { LocalMeshMode, MeshTopology } from './plan/topology.js';
import { ManagedProcess } from './process/managed-process.js';
import { httpOk, tcpOpen, waitUntilReady } from './process/readiness.js';
import { prepareRunDir, RunRecorder } from './process/run-dir.js';

/** Options of {@link LocalMesh}. */
export interface LocalMeshOptions {
  /** The app to run: namespace and workloads. */
  readonly topology: MeshTopology;
  /** Where the programs are. */
  readonly binaries: LocalMeshBinaries;
  /**
   * A directory of its own for the run (keys, discovery and inventory files, logs). It is
   * emptied at start; one that holds other files is refused.
   */
  readonly runDir: string;
  /** `loopback` (default): one 127.x address per pod; `netns`: one network namespace per pod (root, Linux). */
  readonly mode?: LocalMeshMode;
  /** First address (see `planLocalMesh`). */
  readonly baseIp?: string;
  /** Start the topology's traffic generators (default true). */
  readonly traffic?: boolean;
  /** Added to every port the mesh listens on (default 0: Linkerd's ports). */
  readonly portOffset?: number;
  /**
   * The environment every process starts from (PATH, HOME, XDG_RUNTIME_DIR, …); the mesh adds
   * each component's own variables. Default: PATH only.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Have the controller advertise itself in the local mesh state file (default true). */
  readonly advertise?: boolean;
  /** The controller's scrape interval (default 2000 ms). */
  readonly scrapeIntervalMs?: number;
  /** How long each component may take to be ready (default 30000 ms). */
  readonly readyTimeoutMs?: number;
  /** How long a process has to exit after SIGTERM before SIGKILL (default 3000 ms). */
  readonly stopGraceMs?: number;
  /**
   * V8 flags for the control plane and proxies. Default: a 1 MiB young generation
   * (`--max-semi-space-size=1`), which keeps each process's RSS down at little cost for this load.
   */
  readonly nodeFlags?: readonly string[];
  readonly logger?: Logger;
}

/** Variables of the caller's environment children may inherit; everything else is left out. */
/** The parent-watch preload (process/parent-watch.ts): built next to the bundle, or the source in tests. */
const PARENT_WATCH = ['./parent-watch.js', './process/parent-watch.ts']
  .map((rel) => new URL(rel, import.meta.url))
  .find((url) => existsSync(url))?.href;

const INHERITED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'XDG_RUNTIME_DIR', 'SYSTEMROOT'];

interface Started {
  readonly spec: ComponentSpec;
  readonly process: ManagedProcess;
}

/**
 * A whole mesh on one machine, as child processes: identity (a fresh trust anchor and issuer),
 * destination and policy (from a static discovery file generated from the topology), the
 * controller (built-in scraper over a generated inventory), tap, the dashboard, and per
 * workload a pod: the app and its `skein-proxy`.
 *
 * ```
 * const mesh = new LocalMesh({ topology, binaries, runDir });
 * mesh.events.subscribe((e) => …);      // progress
 * const endpoints = await mesh.start();  // every component ready
 * await mesh.stop();                     // SIGTERM, then SIGKILL after the grace period
 * ```
 */
export class LocalMesh {
  readonly #options: LocalMeshOptions;
  readonly #plan: MeshPlan;
  readonly #events = new Subject<LocalMeshEvent>();
  readonly #logger: Logger;
  readonly #started: Started[] = [];
  readonly #recorder: RunRecorder;
  /** Spawns under way: stopping waits for them, so no process starts after the stop. */
  readonly #spawning = new Set<Promise<unknown>>();
  #netns: NetnsRuntime | undefined;
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  #stopped: Promise<void> | undefined;

  /** @throws {InvalidLocalMeshError} for a bad topology, base address or option. */
  constructor(options: LocalMeshOptions) {
    this.#options = options;
    this.#logger = options.logger ?? nullLogger;
    const mode = options.mode ?? 'loopback';
    this.#plan = planLocalMesh({
      topology: options.topology,
      mode,
      ...(options.baseIp === undefined ? {} : { baseIp: options.baseIp }),
      ...(options.traffic === undefined ? {} : { traffic: options.traffic }),
      ...(options.portOffset === undefined ? {} : { portOffset: options.portOffset }),
    });
    this.#recorder = new RunRecorder(options.runDir);
  }

  /** Progress and lifecycle events; completes after the mesh stops. */
  get events(): Observable<LocalMeshEvent> {
    return this.#events.asObservable();
  }

  /** Where everything goes. */
  get plan(): MeshPlan {
    return this.#plan;
  }

  /** The pids of the processes running now (each leads its own process group). */
  get pids(): number[] {
    return this.#started.filter((s) => s.process.running).map((s) => s.process.pid);
  }

  /**
   * Starts everything and resolves once every component is ready. On any failure it stops what
   * it started and rejects.
   * @throws {PortTakenError} or {@link AddressUnavailableError} before anything starts (loopback).
   * @throws {NetnsError} when namespaces cannot be used or set up (netns).
   * @throws {ComponentFailedError} naming the component, with its output.
   */
  async start(): Promise<LocalMeshEndpoints> {
    if (this.#state !== 'new')
      throw new InvalidLocalMeshError('start', this.#state, 'a mesh not started before');
    this.#state = 'starting';
    const began = Date.now();
    const plan = this.#plan;
    const netns = plan.mode === 'netns';
    try {
      if (netns) {
        const problem = netnsProblem(process.platform, process.getuid?.());
        if (problem !== undefined) throw new NetnsError(problem);
      } else {
        await checkAddressesFree(wantedAddresses(plan, this.#options.binaries));
      }
      const runDir = this.#options.runDir;
      const reaped = await prepareRunDir(runDir, deleteNamespaces);
      if (reaped.processes.length > 0 || reaped.netns.length > 0)
        this.#events.next({ type: 'reaped', ...reaped });
      await this.#recorder.init();
      await mkdir(join(runDir, 'logs'), { recursive: true });
      if (netns) {
        this.#netns = new NetnsRuntime(plan, (ns) => this.#recorder.addNetns(ns));
        await this.#netns.create();
        this.#events.next({ type: 'ready', component: 'network', elapsedMs: Date.now() - began });
      }
      const identity = await writeIdentityMaterial(
        plan,
        runDir,
        netns ? [{ pod: CONTROL_PLANE_POD, ...CONTROL_PLANE_ACCOUNT }] : [],
      );
      const files = {
        discoveryFile: join(runDir, 'discovery.yaml'),
        inventoryFile: join(runDir, 'inventory.yaml'),
      };
      await writeFile(files.discoveryFile, discoveryFile(plan));
      await writeFile(files.inventoryFile, inventoryFile(plan));
      await this.#netns?.installProxyInit(
        this.#options.binaries.node,
        this.#options.binaries.proxyInit,
        (pod) =>
          this.#events.next({ type: 'ready', component: `${pod}.proxy-init`, elapsedMs: Date.now() - began }),
      );

      // Where a process runs: inside its pod's namespace (netns mode), or as is (loopback).
      const place = (spec: ComponentSpec, pod: string, uid?: number) =>
        this.#netns === undefined ? spec : this.#netns.place(spec, pod, uid);
      const inCp = (spec: ComponentSpec, uid?: number) => place(spec, CONTROL_PLANE_POD, uid);
      const [identitySpec, destinationSpec, ...rest] = this.#controlPlane(identity, files).map((s) =>
        inCp(s),
      );
      const proxy = (pod: PodPlan) =>
        place(
          proxyComponent({
            plan,
            pod,
            binaries: this.#options.binaries,
            identity,
            runDir,
            nodeFlags: this.#nodeFlags(),
            // In netns mode the control plane is another pod: reached over TLS its proxy terminates.
            controlPlane: {
              host: plan.controlPlaneIp,
              serverName: netns ? controlPlaneIdentity() : undefined,
            },
            tapIdentity: netns ? controlPlaneIdentity() : TAP_IDENTITY,
            ...(netns ? { profileNetworks: podSubnet(plan) } : {}),
          }),
          pod.name,
          PROXY_UID,
        );
      const pods = plan.pods.map((pod) => ({
        pod,
        proxy: proxy(pod),
        app: place(appComponent(plan, pod), pod.name, APP_UID),
      }));
      const generators = pods.filter((p) => p.pod.workload.traffic === true);
      const services = pods.filter((p) => p.pod.workload.traffic !== true);
      // Everything that does not need another component starts at once; proxies wait for
      // identity and destination (they certify and resolve at start); traffic comes last.
      // In netns mode the control plane's own proxy comes first, as peers reach it through it.
      const early = [...(netns ? [] : rest), ...services.map((p) => p.app)].map((s) => this.#run(s, began));
      // Awaited below; a failure meanwhile must not count as unhandled.
      for (const e of early) e.catch(() => {});
      await Promise.all([identitySpec!, destinationSpec!].map((s) => this.#run(s, began)));
      if (netns) {
        await this.#run(
          inCp(
            proxyComponent({
              plan,
              pod: controlPlanePod(plan),
              namespace: CONTROL_PLANE_ACCOUNT.namespace,
              binaries: this.#options.binaries,
              identity,
              runDir,
              nodeFlags: this.#nodeFlags(),
              controlPlane: { host: '127.0.0.1', serverName: undefined },
              tapIdentity: controlPlaneIdentity(),
              profileNetworks: podSubnet(plan),
            }),
            PROXY_UID,
          ),
          began,
        );
        await Promise.all(rest.map((s) => this.#run(s, began)));
      }
      await Promise.all(pods.map((p) => this.#run(p.proxy, began)));
      await Promise.all(early);
      for (const p of generators) await this.#run(p.app, began);
      if (this.#state !== 'starting')
        throw new InvalidLocalMeshError('start', 'stopped', 'a mesh not stopped while starting');
      this.#state = 'running';
      for (const s of this.#started) void this.#watch(s);
      const endpoints = meshEndpoints(
        plan,
        this.#options.binaries,
        this.#options.runDir,
        this.#started.map((s) => ({ name: s.spec.name, pid: s.process.pid })),
      );
      this.#events.next({ type: 'running', elapsedMs: Date.now() - began, endpoints });
      return endpoints;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Stops every process (traffic first, then the apps and proxies, then the control plane):
   * SIGTERM to each process group, SIGKILL after the grace period. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /** SIGKILLs every process group at once, synchronously: for a process exit hook. */
  killSync(): void {
    for (const s of this.#started) s.process.signal('SIGKILL');
    this.#netns?.deleteSync();
  }

  async #stop(): Promise<void> {
    const began = Date.now();
    this.#state = 'stopping';
    this.#events.next({ type: 'stopping' });
    await Promise.allSettled([...this.#spawning]);
    const grace = this.#options.stopGraceMs ?? 3000;
    const byName = (prefixes: (name: string) => boolean) =>
      this.#started.filter((s) => prefixes(s.spec.name));
    const generators = new Set(
      this.#plan.pods.filter((p) => p.workload.traffic === true).map((p) => `${p.name}.app`),
    );
    const controlPlane = new Set(['identity', 'destination']);
    const waves = [
      byName((n) => generators.has(n)),
      byName((n) => !generators.has(n) && !controlPlane.has(n)),
      byName((n) => controlPlane.has(n)),
    ];
    for (const wave of waves) {
      await Promise.all(
        wave.map(async (s) => {
          await s.process.stop(grace);
          await this.#recorder.removeProcess(s.process.pid).catch(() => {});
        }),
      );
    }
    if (this.#netns !== undefined) {
      const netns = this.#netns;
      await netns
        .delete()
        .catch((err: unknown) =>
          this.#logger.warn({ err, namespaces: netns.namespaces }, 'deleting the namespaces failed'),
        );
      for (const ns of netns.namespaces) await this.#recorder.removeNetns(ns).catch(() => {});
    }
    await this.#recorder.clear().catch(() => {});
    this.#state = 'stopped';
    this.#events.next({ type: 'stopped', elapsedMs: Date.now() - began });
    this.#events.complete();
  }

  async #run(spec: ComponentSpec, began: number): Promise<void> {
    if (this.#state !== 'starting') return;
    this.#logger.debug({ component: spec.name, args: spec.args }, 'starting');
    const spawning = ManagedProcess.spawn({
      name: spec.name,
      command: spec.command,
      args: spec.args,
      env: this.#env(spec.env),
      logFile: logFileOf(this.#options.runDir, spec.name),
    }).then(async (proc) => {
      this.#started.push({ spec, process: proc });
      await this.#recorder.addProcess(spec.name, proc.pid);
      return proc;
    });
    this.#spawning.add(spawning);
    const proc = await spawning.finally(() => this.#spawning.delete(spawning));
    this.#events.next({ type: 'starting', component: spec.name, pid: proc.pid, detail: spec.readyWhat });
    const timeout = this.#options.readyTimeoutMs ?? 30_000;
    const check = spec.ready;
    if (check.kind === 'line') await proc.waitForLine(check.pattern, timeout);
    else
      await waitUntilReady(
        proc,
        spec.readyWhat,
        check.kind === 'http' ? () => httpOk(check.url) : () => tcpOpen(check.host, check.port),
        timeout,
      );
    this.#events.next({ type: 'ready', component: spec.name, elapsedMs: Date.now() - began });
  }

  async #watch(s: Started): Promise<void> {
    const exit = await s.process.exited;
    if (this.#state !== 'running') return;
    this.#events.next({
      type: 'exited',
      component: s.spec.name,
      exit,
      output: s.process.tail(),
      logFile: s.process.logFile,
    });
  }

  #controlPlane(
    identity: IdentityMaterial,
    files: { discoveryFile: string; inventoryFile: string },
  ): ComponentSpec[] {
    return controlPlaneComponents({
      plan: this.#plan,
      binaries: this.#options.binaries,
      identity,
      ...files,
      nodeFlags: this.#nodeFlags(),
      listenHost: this.#plan.mode === 'netns' ? '0.0.0.0' : this.#plan.controlPlaneIp,
      controllerHost: this.#plan.controlPlaneIp,
      advertise: this.#options.advertise ?? true,
      scrapeIntervalMs: this.#options.scrapeIntervalMs ?? 2000,
    });
  }

  #nodeFlags(): readonly string[] {
    return this.#options.nodeFlags ?? ['--max-semi-space-size=1'];
  }

  #env(own: Readonly<Record<string, string>>): Record<string, string> {
    const base = this.#options.env ?? {};
    const env: Record<string, string> = {};
    for (const k of INHERITED) {
      const v = base[k];
      if (v !== undefined) env[k] = v;
    }
    const merged = { ...env, ...own };
    // Every process stops itself if this orchestrator dies without stopping it.
    const watch = PARENT_WATCH === undefined ? '' : `--import=${PARENT_WATCH}`;
    const options = [merged.NODE_OPTIONS, watch].filter((o) => o !== undefined && o !== '').join(' ');
    if (options !== '') merged.NODE_OPTIONS = options;
    return merged;
  }
}
