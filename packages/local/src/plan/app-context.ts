import { InvalidLocalMeshError } from '../errors.js';
import { type MeshPlan, type PodPlan, serviceFqdn } from './mesh-plan.js';
import type { AppContext } from './topology.js';

/** What {@link PodPlan}'s app is told (see {@link AppContext}). */
export function appContext(plan: MeshPlan, pod: PodPlan): AppContext {
  const loopback = plan.mode === 'loopback';
  return {
    pod: pod.name,
    ip: pod.ip,
    mode: plan.mode,
    outboundProxy: loopback ? `${pod.ip}:${plan.proxyPorts.outbound}` : undefined,
    listenAddr: (port) => `${loopback ? pod.ip : '0.0.0.0'}:${port + plan.portOffset}`,
    serviceAddr(workload) {
      const target = plan.pods.find((p) => p.workload.name === workload);
      const service = target?.workload.service;
      if (target === undefined || service === undefined || target.appPort === undefined)
        throw new InvalidLocalMeshError(
          'serviceAddr',
          workload,
          `a workload with a Service, one of ${servedWorkloads(plan)}`,
        );
      return loopback
        ? `${serviceFqdn(plan, service.name)}:${service.port}`
        : `${target.ip}:${target.appPort}`;
    },
  };
}

function servedWorkloads(plan: MeshPlan): string {
  return plan.pods
    .filter((p) => p.workload.service !== undefined)
    .map((p) => p.workload.name)
    .join(', ');
}
