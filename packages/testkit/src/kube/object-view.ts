import { cloneJson, type KubeObject, type StoredObject } from './kube-object.js';
import { groupVersion, type ResourceType } from './resource-type.js';

/** How the client asked to see objects: whole, or metadata only (`as=PartialObjectMetadata`). */
export type ObjectView = 'full' | 'metadata';

/** The object as the response carries it: in the requested version, or as PartialObjectMetadata. */
export function viewObject(
  obj: StoredObject,
  type: ResourceType,
  version: string,
  view: ObjectView,
): KubeObject {
  if (view === 'metadata') {
    return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cloneJson(obj.metadata) };
  }
  const out = cloneJson(obj);
  out.apiVersion = groupVersion(type.group, version);
  return out;
}

/**
 * A list response. Like the real server, items of built-in kinds carry no apiVersion/kind
 * (custom objects and metadata-only items do).
 */
export function viewList(
  items: StoredObject[],
  type: ResourceType,
  version: string,
  view: ObjectView,
  meta: { resourceVersion: string; continue?: string; remainingItemCount?: number },
): KubeObject {
  const listMeta: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue !== undefined) listMeta.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) listMeta.remainingItemCount = meta.remainingItemCount;
  const shown = items.map((obj) => {
    const item = viewObject(obj, type, version, view);
    if (view === 'full' && !type.custom) {
      delete item.apiVersion;
      delete item.kind;
    }
    return item;
  });
  return view === 'metadata'
    ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: shown }
    : {
        kind: `${type.kind}List`,
        apiVersion: groupVersion(type.group, version),
        metadata: listMeta,
        items: shown,
      };
}
