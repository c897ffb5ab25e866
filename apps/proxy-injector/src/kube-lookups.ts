import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { NamespaceLookup, OwnerLookup } from '@skein/inject';

function status(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Reads namespaces from the API server; a missing namespace is `undefined`. */
export function namespaceLookup(kc: KubeConfig): NamespaceLookup {
  const core = kc.makeApiClient(CoreV1Api);
  return async (name) => {
    try {
      return await core.readNamespace({ name });
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  };
}

/** Resolves a pod's ReplicaSet to the Deployment that owns it, as Linkerd does. */
export function ownerLookup(kc: KubeConfig): OwnerLookup {
  const apps = kc.makeApiClient(AppsV1Api);
  return async (namespace, owner) => {
    if (owner.kind !== 'ReplicaSet') return { kind: owner.kind.toLowerCase(), name: owner.name };
    try {
      const rs = await apps.readNamespacedReplicaSet({ namespace, name: owner.name });
      const parent = rs.metadata?.ownerReferences?.find((r) => r.controller === true);
      return parent === undefined
        ? { kind: 'replicaset', name: owner.name }
        : { kind: parent.kind.toLowerCase(), name: parent.name };
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  };
}
