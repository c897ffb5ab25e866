import { type KubeApiServer, type RunningProcess, runProcess } from '@skein/testkit';
import { appMain } from './fault-proxy.js';

/** A Service with one HTTP port, as `kubectl apply` would write it. */
export function serviceObject(namespace: string, name: string, port: number, targetPort: number) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', protocol: 'TCP', port, targetPort }] },
  };
}

/** The EndpointSlice of a service listing `ips` (all ready) on `port`, as the controller writes it. */
export function sliceObject(namespace: string, service: string, port: number, ips: readonly string[]) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-slice`, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', protocol: 'TCP', port }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
}

/** A ServiceProfile for `<service>.<namespace>.svc.cluster.local` with one catch-all route. */
export function serviceProfileObject(namespace: string, service: string, route: { timeout?: string }) {
  return {
    apiVersion: 'linkerd.io/v1alpha2',
    kind: 'ServiceProfile',
    metadata: { name: `${service}.${namespace}.svc.cluster.local`, namespace },
    spec: {
      routes: [
        {
          name: 'all',
          condition: { pathRegex: '/.*' },
          ...(route.timeout === undefined ? {} : { timeout: route.timeout }),
        },
      ],
    },
  };
}

/** Creates a namespace in the test API server. */
export function createNamespace(api: KubeApiServer, name: string): void {
  api.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** A running `skein-destination` process. */
export interface DestinationProcess {
  readonly process: RunningProcess;
  /** gRPC port (Destination). */
  readonly port: number;
  /** gRPC port (policy). */
  readonly policyPort: number;
  /** Kills it at once (SIGKILL): a crashed or evicted pod. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. */
  close(): Promise<void>;
}

/**
 * Starts the real `skein-destination` executable against a kubeconfig file, listening on
 * `127.0.0.1:<port>` (a fixed port, so a restarted instance is found at the same address).
 */
export async function startDestinationProcess(kubeconfigPath: string, port = 0): Promise<DestinationProcess> {
  const proc = await runProcess({
    command: process.execPath,
    args: [
      appMain('@skein/app-destination'),
      `-addr=127.0.0.1:${port}`,
      '-admin-addr=127.0.0.1:0',
      '-policy-addr=127.0.0.1:0',
      '-log-format=json',
      `-kubeconfig=${kubeconfigPath}`,
    ],
    env: { PATH: process.env.PATH, NODE_OPTIONS: '--max-semi-space-size=2' },
    ready: /"grpcPort":(\d+),"adminPort":(\d+),"policyPort":(\d+)/,
    readyTimeoutMs: 30_000,
  });
  const m = proc.readyMatch!;
  return {
    process: proc,
    port: Number(m[1]),
    policyPort: Number(m[3]),
    async kill() {
      process.kill(-proc.pid, 'SIGKILL');
      await proc.exited;
    },
    async close() {
      await proc.close(2000);
    },
  };
}
