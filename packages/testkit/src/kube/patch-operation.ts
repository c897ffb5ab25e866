import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import type { StoredObject } from './kube-object.js';
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
 * PATCH: applies a JSON patch (RFC 6902), a JSON merge patch (RFC 7386) or a strategic merge
 * patch (applied as a merge patch: lists are replaced, not merged by key) to the object as the
 * client's version shows it, then stores the result as an update. A resourceVersion the patch
 * sets acts as a precondition.
 */
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
  const current = inVersion(ops.get(type, namespace, name), type, version);
  let patched: unknown;
  try {
    patched =
      mediaType === 'application/json-patch+json'
        ? applyJsonPatch(current, patch)
        : applyMergePatch(current, patch);
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
  return ops.update(type, namespace, name, patched, options);
}
