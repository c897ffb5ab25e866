import { InjectedName } from '../annotations/names.js';
import type { Container, PodSpec } from '../k8s/types.js';

const SIDECAR_NAMES = new Set([InjectedName.proxy, InjectedName.init, 'istio-proxy', 'istio-init']);
const LINKERD_IMAGES = ['cr.l5d.io/linkerd/proxy:', 'cr.l5d.io/linkerd/proxy-init:'];
const ISTIO_REPOSITORIES = ['/proxyv2', '/proxy_init'];

function repository(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at === -1 ? image : image.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

function isSidecar(c: Container, proxyImage: string): boolean {
  if (typeof c !== 'object' || c === null) return false;
  if (SIDECAR_NAMES.has(c.name)) return true;
  const image = typeof c.image === 'string' ? c.image : '';
  if (image === '') return false;
  if (LINKERD_IMAGES.some((prefix) => image.startsWith(prefix))) return true;
  const repo = repository(image);
  if (repo === proxyImage) return true;
  return repo.includes('istio') && ISTIO_REPOSITORIES.some((suffix) => repo.endsWith(suffix));
}

/**
 * True when the pod already has a mesh sidecar: Linkerd's proxy or init container (by name or
 * image), Skein's proxy image, or Istio's `proxyv2`/`proxy_init` (by image) or
 * `istio-proxy`/`istio-init` (by name).
 */
export function hasExistingSidecar(spec: PodSpec, proxyImage: string): boolean {
  for (const list of [spec.initContainers, spec.containers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) if (isSidecar(c, proxyImage)) return true;
  }
  return false;
}
