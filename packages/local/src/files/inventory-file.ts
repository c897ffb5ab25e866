import { stringify } from 'yaml';
import type { MeshPlan } from '../plan/mesh-plan.js';

/**
 * The controller's static inventory (`skein-controller --inventory`, see `parseStaticInventory`
 * in `@skein/controller`): every pod with its owner Deployment, service account, labels and
 * proxy (admin and tap addresses, identity), and the Services selecting them.
 */
export function inventoryFile(plan: MeshPlan): string {
  const { admin, control } = plan.proxyPorts;
  const pods = plan.pods.map((pod) => ({
    name: pod.name,
    namespace: plan.namespace,
    ip: pod.ip,
    owner: `deployment/${pod.workload.name}`,
    serviceAccount: pod.serviceAccount,
    labels: { app: pod.workload.name },
    proxy: { admin: `${pod.ip}:${admin}`, tap: `${pod.ip}:${control}`, identity: pod.identity },
  }));
  const services = plan.pods.flatMap((pod) =>
    pod.workload.service === undefined
      ? []
      : [
          {
            name: pod.workload.service.name,
            namespace: plan.namespace,
            ports: [pod.workload.service.port],
            selector: { app: pod.workload.name },
          },
        ],
  );
  return `# Written by @skein/local for one run of the local mesh; do not edit.\n${stringify({ pods, services })}`;
}
