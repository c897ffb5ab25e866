import { InvalidLocalMeshError } from '../errors.js';
import type { LocalMeshMode, MeshTopology, WorkloadSpec } from './topology.js';

/** Where the control plane listens (on {@link MeshPlan.controlPlaneIp}). */
export interface ControlPlanePorts {
  /** Identity (Certify) gRPC. */
  readonly identity: number;
  /** Identity admin (`/ready`, `/metrics`). */
  readonly identityAdmin: number;
  /** Destination gRPC. */
  readonly destination: number;
  /** Destination admin. */
  readonly destinationAdmin: number;
  /** Inbound policy gRPC (served by the destination app). */
  readonly policy: number;
  /** Controller HTTP API. */
  readonly controller: number;
  /** Tap API. */
  readonly tap: number;
  /** Dashboard. */
  readonly dashboard: number;
}

/** Linkerd's control-plane ports, as the local mesh uses them. */
export const CONTROL_PLANE_PORTS: ControlPlanePorts = {
  identity: 8080,
  identityAdmin: 9990,
  destination: 8086,
  destinationAdmin: 9996,
  policy: 8090,
  controller: 8085,
  tap: 8088,
  dashboard: 8084,
};

/** A proxy's ports (on its pod's IP). */
export interface ProxyPorts {
  readonly outbound: number;
  readonly inbound: number;
  readonly admin: number;
  readonly control: number;
}

/** linkerd2-proxy's ports. */
export const PROXY_PORTS: ProxyPorts = { outbound: 4140, inbound: 4143, admin: 4191, control: 4190 };

/** One pod of the plan. */
export interface PodPlan {
  /** `<workload>-0`. */
  readonly name: string;
  /** The workload it runs. */
  readonly workload: WorkloadSpec;
  /** Its IP. */
  readonly ip: string;
  /** Its service account. */
  readonly serviceAccount: string;
  /** Its mTLS identity, `<sa>.<ns>.serviceaccount.identity.linkerd.cluster.local`. */
  readonly identity: string;
  /** The port its app listens on: the workload's port plus the plan's port offset. */
  readonly appPort: number | undefined;
}

/** Everything a local mesh will run and where: computed before anything starts. */
export interface MeshPlan {
  readonly mode: LocalMeshMode;
  readonly namespace: string;
  /** The control plane's IP (loopback: the base IP; netns: the host side of the pod network). */
  readonly controlPlaneIp: string;
  readonly controlPlanePorts: ControlPlanePorts;
  readonly proxyPorts: ProxyPorts;
  /** Added to every port (see {@link PlanOptions.portOffset}). */
  readonly portOffset: number;
  /** Pods in start order (traffic generators last). */
  readonly pods: readonly PodPlan[];
  /** `cluster.local`. */
  readonly clusterDomain: string;
  /** `linkerd`. */
  readonly controlPlaneNamespace: string;
}

/** Options of {@link planLocalMesh}. */
export interface PlanOptions {
  readonly topology: MeshTopology;
  readonly mode: LocalMeshMode;
  /**
   * The first address: the control plane's; pods take the next ones. Loopback mode needs an
   * IPv4 address in 127.0.0.0/8 (default `127.0.1.1`); netns mode an address of a private /24
   * (default `10.249.0.1`).
   */
  readonly baseIp?: string;
  /** Start the traffic generators (default true). */
  readonly traffic?: boolean;
  /**
   * Added to every port the mesh listens on — control plane, proxies, apps — for a machine where
   * something listens on Linkerd's ports on every address (default 0).
   */
  readonly portOffset?: number;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Parses dotted IPv4 into its four octets. */
export function ipv4Octets(ip: string): [number, number, number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (m === null) return undefined;
  const octets = m.slice(1).map(Number) as [number, number, number, number];
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** The identity of a service account: `<sa>.<ns>.serviceaccount.identity.<cpns>.<td>`. */
export function identityOf(serviceAccount: string, namespace: string): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.cluster.local`;
}

function checkTopology(topology: MeshTopology): void {
  if (!DNS_LABEL.test(topology.namespace))
    throw new InvalidLocalMeshError('topology.namespace', topology.namespace, 'a DNS label such as default');
  const names = new Set<string>();
  const services = new Set<string>();
  topology.workloads.forEach((w, i) => {
    const at = `topology.workloads[${i}]`;
    if (!DNS_LABEL.test(w.name) || w.name.length > 50)
      throw new InvalidLocalMeshError(`${at}.name`, w.name, 'a DNS label of at most 50 characters');
    if (names.has(w.name)) throw new InvalidLocalMeshError(`${at}.name`, w.name, 'a name used once');
    names.add(w.name);
    if (w.serviceAccount !== undefined && !DNS_LABEL.test(w.serviceAccount))
      throw new InvalidLocalMeshError(`${at}.serviceAccount`, w.serviceAccount, 'a DNS label');
    if (w.port !== undefined && (!Number.isInteger(w.port) || w.port < 1 || w.port > 65535))
      throw new InvalidLocalMeshError(`${at}.port`, String(w.port), 'a port 1-65535');
    if (w.port !== undefined && Object.values(PROXY_PORTS).includes(w.port))
      throw new InvalidLocalMeshError(
        `${at}.port`,
        String(w.port),
        'a port other than the proxy ports 4140, 4143, 4190, 4191',
      );
    if (w.service !== undefined) {
      if (w.port === undefined)
        throw new InvalidLocalMeshError(
          `${at}.service`,
          w.service.name,
          'no Service on a workload without a port',
        );
      if (!DNS_LABEL.test(w.service.name) || services.has(w.service.name))
        throw new InvalidLocalMeshError(`${at}.service.name`, w.service.name, 'a DNS label used once');
      services.add(w.service.name);
      if (!Number.isInteger(w.service.port) || w.service.port < 1 || w.service.port > 65535)
        throw new InvalidLocalMeshError(`${at}.service.port`, String(w.service.port), 'a port 1-65535');
    }
  });
  if (names.size === 0) throw new InvalidLocalMeshError('topology.workloads', '[]', 'at least one workload');
}

/**
 * Places the control plane and one pod per workload on consecutive addresses from `baseIp`.
 * @throws {InvalidLocalMeshError} for a bad topology or base address.
 */
export function planLocalMesh(options: PlanOptions): MeshPlan {
  const { topology, mode } = options;
  checkTopology(topology);
  const baseIp = options.baseIp ?? (mode === 'loopback' ? '127.0.1.1' : '10.249.0.1');
  const octets = ipv4Octets(baseIp);
  if (mode === 'loopback' && (octets === undefined || octets[0] !== 127))
    throw new InvalidLocalMeshError('baseIp', baseIp, 'an IPv4 address in 127.0.0.0/8 such as 127.0.1.1');
  const isPrivate =
    octets !== undefined &&
    (octets[0] === 10 ||
      (octets[0] === 172 && octets[1] >= 16 && octets[1] <= 31) ||
      (octets[0] === 192 && octets[1] === 168));
  if (mode === 'netns' && !isPrivate)
    throw new InvalidLocalMeshError(
      'baseIp',
      baseIp,
      'a private IPv4 address (10/8, 172.16/12, 192.168/16) such as 10.249.0.1',
    );
  const workloads = topology.workloads.filter((w) => options.traffic !== false || w.traffic !== true);
  const ordered = [
    ...workloads.filter((w) => w.traffic !== true),
    ...workloads.filter((w) => w.traffic === true),
  ];
  const offset = options.portOffset ?? 0;
  const highest = Math.max(
    ...Object.values(CONTROL_PLANE_PORTS),
    ...Object.values(PROXY_PORTS),
    ...workloads.map((w) => w.port ?? 0),
  );
  if (!Number.isInteger(offset) || offset < 0 || highest + offset > 65535)
    throw new InvalidLocalMeshError('portOffset', String(offset), `an integer from 0 to ${65535 - highest}`);
  const shift = <T extends object>(ports: T): T =>
    Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, (v as number) + offset])) as T;
  const [a, b, c, d] = octets!;
  if (d === 0 || d + ordered.length > 254)
    throw new InvalidLocalMeshError(
      'baseIp',
      baseIp,
      `an address whose last number leaves room for ${ordered.length} pods after it (1 to ${254 - ordered.length})`,
    );
  const pods = ordered.map((workload, i): PodPlan => {
    const serviceAccount = workload.serviceAccount ?? workload.name;
    return {
      name: `${workload.name}-0`,
      workload,
      ip: `${a}.${b}.${c}.${d + i + 1}`,
      serviceAccount,
      identity: identityOf(serviceAccount, topology.namespace),
      appPort: workload.port === undefined ? undefined : workload.port + offset,
    };
  });
  return {
    mode,
    namespace: topology.namespace,
    controlPlaneIp: baseIp,
    controlPlanePorts: shift(CONTROL_PLANE_PORTS),
    proxyPorts: shift(PROXY_PORTS),
    portOffset: offset,
    pods,
    clusterDomain: 'cluster.local',
    controlPlaneNamespace: 'linkerd',
  };
}

/** `<service>.<namespace>.svc.<domain>`. */
export function serviceFqdn(plan: MeshPlan, service: string): string {
  return `${service}.${plan.namespace}.svc.${plan.clusterDomain}`;
}
