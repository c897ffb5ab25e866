import { stringify } from 'yaml';
import type { KubeObject } from '../render/kube-types.js';

/** Output formats of `skein install`, `upgrade` and `uninstall`. */
export type OutputFormat = 'yaml' | 'json';

/**
 * Writes objects as a manifest for `kubectl apply -f -`: a multi-document YAML stream
 * (`---` between documents), or a JSON `v1 List`.
 */
export function formatManifest(objects: readonly KubeObject[], format: OutputFormat = 'yaml'): string {
  if (format === 'json') {
    return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
  }
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, minContentWidth: 0 })}`).join('');
}

/** The reference part of an object: group/version, kind, name and namespace. */
export function objectRef(object: KubeObject): KubeObject {
  const { name, namespace } = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
  };
}

/** `Kind/name` (with `namespace/` first for namespaced objects), for messages. */
export function describeObject(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind}/${ns === undefined ? '' : `${ns}/`}${object.metadata?.name ?? ''}`;
}
