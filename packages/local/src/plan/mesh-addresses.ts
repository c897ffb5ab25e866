import type { LocalMeshBinaries } from '../components/binaries.js';
import { controlPlaneAddresses } from '../components/control-plane.js';
import type { LocalMeshEndpoints } from '../events.js';
import type { WantedAddress } from '../network/port-check.js';
import type { MeshPlan } from './mesh-plan.js';

/** Every address a loopback mesh listens on, with its purpose (checked before anything starts). */
export function wantedAddresses(plan: MeshPlan, binaries: LocalMeshBinaries): WantedAddress[] {
  const wanted: WantedAddress[] = controlPlaneAddresses(plan, binaries).map((a) => ({
    ip: plan.controlPlaneIp,
    ...a,
  }));
  const p = plan.proxyPorts;
  for (const pod of plan.pods) {
    wanted.push(
      { ip: pod.ip, port: p.outbound, purpose: `the proxy outbound listener of ${pod.name}` },
      { ip: pod.ip, port: p.inbound, purpose: `the proxy inbound listener of ${pod.name}` },
      { ip: pod.ip, port: p.admin, purpose: `the proxy admin server of ${pod.name}` },
      { ip: pod.ip, port: p.control, purpose: `the proxy tap server of ${pod.name}` },
    );
    if (pod.appPort !== undefined)
      wanted.push({ ip: pod.ip, port: pod.appPort, purpose: `the app of ${pod.name}` });
  }
  return wanted;
}

/** The addresses of a running mesh, for the caller. */
export function meshEndpoints(
  plan: MeshPlan,
  binaries: LocalMeshBinaries,
  runDir: string,
  processes: readonly { name: string; pid: number }[],
): LocalMeshEndpoints {
  const ip = plan.controlPlaneIp;
  const p = plan.controlPlanePorts;
  return {
    controllerUrl: `http://${ip}:${p.controller}`,
    dashboardUrl: binaries.dashboard === undefined ? undefined : `http://${ip}:${p.dashboard}/`,
    tapUrl: binaries.tap === undefined ? undefined : `http://${ip}:${p.tap}`,
    identityAddr: `${ip}:${p.identity}`,
    destinationAddr: `${ip}:${p.destination}`,
    pods: plan.pods.map((pod) => ({
      name: pod.name,
      ip: pod.ip,
      adminAddr: `${pod.ip}:${plan.proxyPorts.admin}`,
      appAddr: pod.appPort === undefined ? undefined : `${pod.ip}:${pod.appPort}`,
    })),
    runDir,
    processes,
  };
}
