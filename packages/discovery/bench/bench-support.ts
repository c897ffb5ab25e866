// Shared by the benchmarks: a child destination server (destination-child.mjs) and test objects.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeApiServer } from '@skein/testkit';

export interface ChildServer {
  port: number;
  child: ChildProcess;
  request<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

/** The V8 flags apps/destination's main sets at start: the benches run the server with them. */
export const APP_V8_FLAGS: readonly string[] = ['--optimize-for-size'];

/** Options of {@link startChild}. */
export interface ChildOptions {
  /** Extra Node flags for the child. */
  nodeFlags?: string[];
  /** V8 flags the child sets at run time, as apps/destination's main does. */
  runtimeFlags?: readonly string[];
  /** Only list the pods once and keep nothing (the client library's own footprint). */
  listOnly?: boolean;
}

/** Starts bench/destination-child.mjs against `api`; resolves once its caches are synced. */
export async function startChild(api: KubeApiServer, options: ChildOptions = {}): Promise<ChildServer> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig);
  const args = options.listOnly ? [kubeconfig, 'list-only'] : [kubeconfig];
  const child = fork(fileURLToPath(new URL('./destination-child.mjs', import.meta.url)), args, {
    execArgv: ['--expose-gc', ...(options.nodeFlags ?? [])],
    env: { ...process.env, SKEIN_BENCH_RUNTIME_FLAGS: (options.runtimeFlags ?? []).join(' ') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`destination child exited with ${code}`)));
  });
  return {
    port,
    child,
    request<T>(type: string) {
      return new Promise<T>((resolve) => {
        child.once('message', (m) => resolve(m as T));
        child.send({ type });
      });
    },
    stop() {
      return new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      });
    },
  };
}

/** A meshed pod object. */
export function meshedPod(ns: string, name: string, ip: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { 'linkerd.io/control-plane-ns': 'linkerd', app: name.replace(/-\d+$/, '') },
    },
    spec: {
      serviceAccountName: 'app',
      containers: [
        { name: 'app', image: 'app' },
        {
          name: 'linkerd-proxy',
          image: 'proxy',
          env: [{ name: 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', value: '0.0.0.0:4143' }],
        },
      ],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

/** An EndpointSlice of `svc` with the given (ip, pod) endpoints on port 8080. */
export function endpointSlice(ns: string, svc: string, endpoints: Array<[string, string]>) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-a`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080 }],
    endpoints: endpoints.map(([ip, pod]) => ({
      addresses: [ip],
      conditions: { ready: true },
      targetRef: { kind: 'Pod', name: pod, namespace: ns },
    })),
  };
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
