import type { KubeObject } from '../../src/render/kube-types.js';

/** A file_sd target group. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * The targets Prometheus's Kubernetes pod discovery (`role: pod`) derives from pods: one per
 * declared container port (init containers included, flagged by `container_init`), at
 * `<podIP>:<port>`, with the `__meta_kubernetes_*` labels its documentation lists.
 *
 * Debian's Prometheus is built without Kubernetes discovery, so the test feeds these through
 * file discovery; the relabeling that turns them into series labels is the real one.
 */
export function kubernetesPodTargets(pods: readonly KubeObject[]): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const pod of pods) {
    const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
    if (ip === undefined) continue;
    const spec = pod.spec as {
      containers: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
      initContainers?: {
        name: string;
        ports?: { name?: string; containerPort: number; protocol?: string }[];
      }[];
    };
    const podLabels: Record<string, string> = {
      __meta_kubernetes_namespace: pod.metadata?.namespace ?? '',
      __meta_kubernetes_pod_name: pod.metadata?.name ?? '',
      __meta_kubernetes_pod_ip: ip,
      __meta_kubernetes_pod_phase: (pod.status as { phase?: string }).phase ?? '',
    };
    for (const [k, v] of Object.entries(pod.metadata?.labels ?? {})) {
      podLabels[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
      podLabels[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = 'true';
    }
    const containers = [
      ...(spec.initContainers ?? []).map((c) => ({ c, init: true })),
      ...spec.containers.map((c) => ({ c, init: false })),
    ];
    for (const { c, init } of containers) {
      for (const port of c.ports ?? []) {
        groups.push({
          targets: [`${ip}:${port.containerPort}`],
          labels: {
            ...podLabels,
            __meta_kubernetes_pod_container_name: c.name,
            __meta_kubernetes_pod_container_init: String(init),
            __meta_kubernetes_pod_container_port_name: port.name ?? '',
            __meta_kubernetes_pod_container_port_number: String(port.containerPort),
            __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP',
          },
        });
      }
    }
  }
  return groups;
}
