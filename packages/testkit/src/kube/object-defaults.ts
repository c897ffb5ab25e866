import { isJsonObject, type StoredObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';

/** Hands out ClusterIPs from 10.96.0.0/16 for Services created without one. */
export class ClusterIpAllocator {
  #next = 1;

  /** The next free address. */
  allocate(): string {
    const n = this.#next++;
    return `10.96.${(n >> 8) & 0xff}.${n & 0xff}`;
  }
}

function defaultService(obj: StoredObject, ips: ClusterIpAllocator): void {
  const spec: Record<string, unknown> = isJsonObject(obj.spec) ? obj.spec : {};
  obj.spec = spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ips.allocate();
    spec.clusterIPs ??= [spec.clusterIP];
  }
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isJsonObject(port)) continue;
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
  }
}

/**
 * The status a kind starts with when created through the API (for kinds with a status
 * subresource the client's status is not kept, as the real registry strategies do).
 */
export function initialStatus(type: ResourceType): Record<string, unknown> | undefined {
  if (type.custom) return undefined;
  if (type.group === '' && type.plural === 'pods') return { phase: 'Pending' };
  if (type.group === '' && type.plural === 'namespaces') return { phase: 'Active' };
  return {};
}

/**
 * Fills in the defaults the API server itself sets on create (only those Skein's tests read:
 * a Service's ClusterIP and port defaults, a Namespace's name label).
 */
export function applyCreateDefaults(type: ResourceType, obj: StoredObject, ips: ClusterIpAllocator): void {
  if (type.custom || type.group !== '') return;
  if (type.plural === 'services') defaultService(obj, ips);
  if (type.plural === 'namespaces') {
    obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
  }
}
