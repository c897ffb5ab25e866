import { join } from 'node:path';
import type { IdentityMaterial } from '../files/identity-material.js';
import { appContext } from '../plan/app-context.js';
import type { MeshPlan, PodPlan } from '../plan/mesh-plan.js';
import type { LocalMeshBinaries } from './binaries.js';
import { type ComponentSpec, describeCheck, type ReadinessCheck } from './component-spec.js';

/** The identity the local mesh's tap clients are allowed to present (Linkerd's tap service account). */
export const TAP_IDENTITY = 'tap.linkerd-viz.serviceaccount.identity.linkerd.cluster.local';

/** How a pod's proxy reaches the control plane. */
export interface ControlPlaneRoute {
  /** `ip` of identity, destination and policy. */
  readonly host: string;
  /** Their identity (`*_SVC_NAME`), needed when `host` is not loopback; undefined on loopback. */
  readonly serverName: string | undefined;
}

/** What a pod's proxy is configured from. */
export interface ProxyInputs {
  readonly plan: MeshPlan;
  readonly pod: PodPlan;
  readonly binaries: LocalMeshBinaries;
  readonly identity: IdentityMaterial;
  readonly runDir: string;
  readonly nodeFlags: readonly string[];
  readonly controlPlane: ControlPlaneRoute;
  /** The only non-loopback client allowed to tap it. */
  readonly tapIdentity: string;
  /** `DESTINATION_PROFILE_NETWORKS`: IPs whose profiles the proxy looks up (apps dial pod IPs in netns mode). */
  readonly profileNetworks?: string;
  /** The pod's namespace when it is not the plan's (the control plane's pod). */
  readonly namespace?: string;
}

/**
 * The pod's `skein-proxy`, configured only by `LINKERD2_PROXY_*` variables as a sidecar is,
 * plus `SKEIN_PROXY_OUTBOUND_BIND_IP` in loopback mode so its connections come from the pod's IP.
 */
export function proxyComponent(inputs: ProxyInputs): ComponentSpec {
  const { plan, pod, controlPlane } = inputs;
  const p = plan.proxyPorts;
  const cp = plan.controlPlanePorts;
  const loopback = plan.mode === 'loopback';
  const listen = (port: number, everywhere: boolean) =>
    `${loopback ? pod.ip : everywhere ? '0.0.0.0' : '127.0.0.1'}:${port}`;
  const svc = (name: 'IDENTITY' | 'DESTINATION' | 'POLICY'): Record<string, string> =>
    controlPlane.serverName === undefined
      ? {}
      : { [`LINKERD2_PROXY_${name}_SVC_NAME`]: controlPlane.serverName };
  const context = JSON.stringify({
    ns: inputs.namespace ?? plan.namespace,
    nodeName: 'local',
    pod: pod.name,
  });
  const env: Record<string, string> = {
    LINKERD2_PROXY_LOG: 'warn,linkerd=info',
    LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR: listen(p.outbound, false),
    LINKERD2_PROXY_INBOUND_LISTEN_ADDR: listen(p.inbound, true),
    LINKERD2_PROXY_ADMIN_LISTEN_ADDR: listen(p.admin, true),
    LINKERD2_PROXY_CONTROL_LISTEN_ADDR: listen(p.control, true),
    LINKERD2_PROXY_TAP_SVC_NAME: inputs.tapIdentity,
    LINKERD2_PROXY_IDENTITY_SVC_ADDR: `${controlPlane.host}:${cp.identity}`,
    ...svc('IDENTITY'),
    LINKERD2_PROXY_IDENTITY_DIR: join(inputs.runDir, 'pods', pod.name, 'identity'),
    LINKERD2_PROXY_IDENTITY_TOKEN_FILE: inputs.identity.tokenFiles.get(pod.name) ?? '',
    LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: inputs.identity.anchorsPem,
    LINKERD2_PROXY_IDENTITY_LOCAL_NAME: pod.identity,
    LINKERD2_PROXY_DESTINATION_SVC_ADDR: `${controlPlane.host}:${cp.destination}`,
    ...svc('DESTINATION'),
    LINKERD2_PROXY_DESTINATION_CONTEXT: context,
    // A new target's first requests wait this long for its profile (and so its identity) before
    // going out without one. 500 ms is short for a laptop busy starting a dozen processes, and
    // a request sent without the profile is sent without mTLS and without destination labels.
    LINKERD2_PROXY_DESTINATION_PROFILE_INITIAL_TIMEOUT: '3s',
    ...(inputs.profileNetworks === undefined
      ? {}
      : { LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS: inputs.profileNetworks }),
    LINKERD2_PROXY_POLICY_SVC_ADDR: `${controlPlane.host}:${cp.policy}`,
    ...svc('POLICY'),
    LINKERD2_PROXY_POLICY_WORKLOAD: context,
    LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD: '1s',
    ...(pod.appPort === undefined ? {} : { LINKERD2_PROXY_INBOUND_PORTS: String(pod.appPort) }),
    ...(loopback ? { SKEIN_PROXY_OUTBOUND_BIND_IP: pod.ip } : {}),
  };
  const ready: ReadinessCheck = { kind: 'http', url: `http://${pod.ip}:${p.admin}/ready` };
  return {
    name: `${pod.name}.proxy`,
    command: inputs.binaries.node,
    args: [...inputs.nodeFlags, inputs.binaries.proxy],
    env,
    ready,
    readyWhat: `its identity is certified (${describeCheck(ready)})`,
  };
}

/** The pod's app, as its workload describes it. */
export function appComponent(plan: MeshPlan, pod: PodPlan): ComponentSpec {
  const command = pod.workload.app(appContext(plan, pod));
  const ready: ReadinessCheck =
    command.ready !== undefined
      ? { kind: 'line', pattern: command.ready }
      : pod.appPort !== undefined
        ? { kind: 'tcp', host: pod.ip, port: pod.appPort }
        : { kind: 'line', pattern: /./ };
  return {
    name: `${pod.name}.app`,
    command: command.command,
    args: command.args,
    env: { ...command.env },
    ready,
    readyWhat: describeCheck(ready),
  };
}
