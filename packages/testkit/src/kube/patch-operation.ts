import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import type { KubeObject, StoredObject } from './kube-object.js';
import { applyMergePatch } from './merge-patch.js';
import { inVersion, type ResourceOperations, type WriteOptions } from './resource-operations.js';
import type { ResourceType } from './resource-type.js';
import { KubeApiError, unsupportedMediaType } from './status.js';

/** The patch media types the server applies. */
export const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** One of {@link PATCH_MEDIA_TYPES}. */
export type PatchMediaType = (typeof PATCH_MEDIA_TYPES)[number];

/** The patch type named by a Content-Type header, or a 415 error (server-side apply included). */
export function patchMediaType(contentType: string): PatchMediaType {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  const known = PATCH_MEDIA_TYPES.find((t) => t === base);
  if (known === undefined) {
    const why =
      base === 'application/apply-patch+yaml' || base === 'application/apply-patch+cbor'
        ? `${base} (server-side apply is not implemented by this test server)`
        : base;
    throw unsupportedMediaType(why, PATCH_MEDIA_TYPES);
  }
  return known;
}

/**
 * Applies a JSON patch (RFC 6902), a JSON merge patch (RFC 7386) or a strategic merge patch
 * (applied as a merge patch: lists are replaced, not merged by key) to the object as the
 * client's version shows it. A failing patch is a 422.
 */
export function patchedObject(
  ops: ResourceOperations,
  type: ResourceType,
  version: string,
  namespace: string | undefined,
  name: string,
  mediaType: PatchMediaType,
  patch: unknown,
): { current: KubeObject; patched: KubeObject } {
  const current = inVersion(ops.get(type, namespace, name), type, version);
  try {
    const patched =
      mediaType === 'application/json-patch+json'
        ? applyJsonPatch(current, patch)
        : applyMergePatch(current, patch);
    return { current, patched: patched as KubeObject };
  } catch (e) {
    if (!(e instanceof JsonPatchError)) throw e;
    throw new KubeApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${e.message}`,
      {
        name,
        ...(type.group === '' ? {} : { group: type.group }),
        kind: type.kind,
        causes: [{ reason: 'FieldValueInvalid', message: e.message }],
      },
    );
  }
}

/**
 * Where a patch did not set metadata.resourceVersion itself, the update is unconditional (the
 * real server retries a patch on conflict rather than failing it); a version the patch sets is
 * a precondition.
 */
export function patchPrecondition(current: KubeObject, patched: KubeObject): KubeObject {
  if (
    patched.metadata?.resourceVersion !== current.metadata?.resourceVersion ||
    patched.metadata === undefined
  )
    return patched;
  const { resourceVersion: _rv, ...metadata } = patched.metadata;
  return { ...patched, metadata };
}

/** PATCH without admission: {@link patchedObject}, then an update. */
export function patchObject(
  ops: ResourceOperations,
  type: ResourceType,
  version: string,
  namespace: string | undefined,
  name: string,
  mediaType: PatchMediaType,
  patch: unknown,
  options: WriteOptions & { subresource?: 'status' } = {},
): StoredObject {
  const { current, patched } = patchedObject(ops, type, version, namespace, name, mediaType, patch);
  return ops.update(type, namespace, name, patchPrecondition(current, patched), options);
}
