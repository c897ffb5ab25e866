import { uninstallOrder } from '../render/install-order.js';
import type { KubeObject } from '../render/kube-types.js';
import { objectRef } from './manifest-text.js';

/**
 * What `skein uninstall` prints for `kubectl delete -f -`: a reference to every object of the
 * installation (control plane and CRDs), in the reverse of install order, so the webhooks go
 * first and the namespace and CRDs last. Objects of the same kind and name appear once.
 */
export function uninstallObjects(objects: readonly KubeObject[]): KubeObject[] {
  const seen = new Set<string>();
  const out: KubeObject[] = [];
  for (const object of uninstallOrder(objects)) {
    const ref = objectRef(object);
    const key = `${ref.apiVersion}/${ref.kind}/${ref.metadata?.namespace ?? ''}/${ref.metadata?.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}
