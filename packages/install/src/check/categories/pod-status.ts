import type { KubeObject } from '../../render/kube-types.js';

interface ContainerStatus {
  name: string;
  ready?: boolean;
}

interface PodStatus {
  phase?: string;
  conditions?: { type: string; status: string }[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

/** `namespace/name` of a pod. */
export function podName(pod: KubeObject): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Why a pod is not ready, or undefined when it is Running with condition Ready=True. */
export function podNotReady(pod: KubeObject): string | undefined {
  const status = (pod.status ?? {}) as PodStatus;
  if (status.phase !== 'Running') return `pod ${podName(pod)} is ${status.phase ?? 'Pending'}, not Running`;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return `pod ${podName(pod)} is not ready`;
  return undefined;
}

/** The status of the `linkerd-proxy` container (native sidecar or not), if the pod has one. */
export function proxyStatus(pod: KubeObject): ContainerStatus | undefined {
  const status = (pod.status ?? {}) as PodStatus;
  return [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find(
    (c) => c.name === 'linkerd-proxy',
  );
}

/** Whether the pod's spec carries a `linkerd-proxy` container. */
export function hasProxy(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].some((c) => c.name === 'linkerd-proxy');
}
