import { identityOf, type MeshPlan, type PodPlan } from '../plan/mesh-plan.js';
import type { NetnsPod } from './pod-network.js';

/** The control plane's pod in netns mode: like Linkerd's, it is meshed (its proxy terminates mTLS). */
export const CONTROL_PLANE_POD = 'linkerd-0';
/** Its namespace and service account. */
export const CONTROL_PLANE_ACCOUNT = {
  namespace: 'linkerd',
  serviceAccount: 'linkerd-control-plane',
} as const;
/** Linkerd's proxy uid: iptables leaves its own traffic alone. */
export const PROXY_UID = 2102;
/** The apps' uid (anything but the proxy's; not root). */
export const APP_UID = 2103;

/**
 * Ports of the control-plane pod that bypass its proxy: the admin and HTTP APIs the host (CLI,
 * browser, readiness checks) talks to in plaintext. Identity, destination and policy (8080,
 * 8086, 8090) stay behind it: peers reach them over TLS that the proxy terminates.
 */
export function controlPlaneIgnoredInbound(plan: MeshPlan): number[] {
  const p = plan.controlPlanePorts;
  return [
    plan.proxyPorts.control,
    plan.proxyPorts.admin,
    p.identityAdmin,
    p.destinationAdmin,
    p.controller,
    p.tap,
    p.dashboard,
  ];
}

/** The control plane's identity, which peers check on identity/destination/policy and allow to tap them. */
export function controlPlaneIdentity(): string {
  return identityOf(CONTROL_PLANE_ACCOUNT.serviceAccount, CONTROL_PLANE_ACCOUNT.namespace);
}

/** The control-plane pod as a pod of the plan (it has no app of its own: the control plane runs in it). */
export function controlPlanePod(plan: MeshPlan): PodPlan {
  return {
    name: CONTROL_PLANE_POD,
    ip: plan.controlPlaneIp,
    serviceAccount: CONTROL_PLANE_ACCOUNT.serviceAccount,
    identity: controlPlaneIdentity(),
    workload: { name: 'linkerd', app: () => ({ command: 'true', args: [] }) },
    appPort: undefined,
  };
}

/** The subnet of the pods (`a.b.c.0/24`). */
export function podSubnet(plan: MeshPlan): string {
  return `${plan.controlPlaneIp.split('.').slice(0, 3).join('.')}.0/24`;
}

/** `skein-proxy-init` for `pod`: redirect everything but the proxy's own traffic and `ignored` ports. */
export function proxyInitArgs(
  script: string,
  pod: NetnsPod,
  plan: MeshPlan,
  ignored: { inbound: readonly number[]; outbound: readonly number[] },
): string[] {
  return [
    script,
    '--netns',
    pod.path,
    '--incoming-proxy-port',
    String(plan.proxyPorts.inbound),
    '--outgoing-proxy-port',
    String(plan.proxyPorts.outbound),
    '--proxy-uid',
    String(PROXY_UID),
    '--inbound-ports-to-ignore',
    ignored.inbound.join(','),
    ...(ignored.outbound.length === 0 ? [] : ['--outbound-ports-to-ignore', ignored.outbound.join(',')]),
    '--ipv6=false',
    '--iptables-mode',
    'legacy',
  ];
}
