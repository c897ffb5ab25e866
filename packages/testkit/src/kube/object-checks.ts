import { isJsonObject, type KubeObject } from './kube-object.js';
import { groupVersion, parseApiVersion, type ResourceType } from './resource-type.js';
import { badRequest } from './status.js';

/**
 * Checks that a request body is an object of the resource's kind and group (apiVersion and kind
 * may be left out: they default from the URL), as the real decoder does. Errors are 400 BadRequest.
 */
export function checkBodyKind(type: ResourceType, body: unknown): KubeObject {
  if (!isJsonObject(body)) throw badRequest(`the request body must be a JSON object, got ${describe(body)}`);
  const obj = body as KubeObject;
  if (obj.apiVersion !== undefined) {
    if (typeof obj.apiVersion !== 'string') throw badRequest('apiVersion must be a string');
    const { group, version } = parseApiVersion(obj.apiVersion);
    if (group !== type.group || !type.versions.includes(version))
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${groupVersion(type.group, type.versions[0]!)})`,
      );
  }
  if (obj.kind !== undefined && obj.kind !== type.kind)
    throw badRequest(
      `${String(obj.kind)} in version "${type.versions[0]}" cannot be handled as a ${type.kind}: the kind in the data does not match the resource`,
    );
  if (obj.metadata !== undefined && !isJsonObject(obj.metadata))
    throw badRequest(`metadata must be an object, got ${describe(obj.metadata)}`);
  return obj;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * The namespace an object goes in: the URL's, which the body may repeat but not contradict.
 * Cluster-scoped kinds have none.
 */
export function resolveNamespace(
  type: ResourceType,
  urlNamespace: string | undefined,
  obj: KubeObject,
): string | undefined {
  if (!type.namespaced) return undefined;
  const own = obj.metadata?.namespace;
  if (own !== undefined && own !== '' && urlNamespace !== undefined && own !== urlNamespace)
    throw badRequest(
      `the namespace of the provided object (${own}) does not match the namespace sent on the request (${urlNamespace})`,
    );
  const ns = urlNamespace ?? (own === '' ? undefined : own);
  return ns;
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
