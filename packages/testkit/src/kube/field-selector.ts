import { isJsonObject, type KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';
import { badRequest } from './status.js';

/** One parsed field requirement: `path=value` or `path!=value`. */
export interface FieldRequirement {
  path: string;
  value: string;
  negate: boolean;
}

/** A compiled field selector: all requirements must hold. */
export type FieldSelector = readonly FieldRequirement[];

/**
 * Parses a field selector for a resource type; a field the type does not index is a
 * 400 BadRequest, as with the real server (`field label not supported: spec.foo`).
 */
export function parseFieldSelector(text: string, type: ResourceType): FieldSelector {
  if (text.trim() === '') return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(type.selectableFields ?? [])]);
  return text.split(',').map((term) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (m === null) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const path = m[1]!;
    if (!allowed.has(path))
      throw badRequest(
        `field label not supported: ${path} (supported for ${type.plural}: ${[...allowed].join(', ')})`,
      );
    return { path, value: m[3]!, negate: m[2] === '!=' };
  });
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isJsonObject(cur)) return '';
    cur = cur[part];
  }
  // Kubernetes renders unset fields as '' and booleans/numbers as their text.
  if (cur === undefined || cur === null)
    return path === 'spec.unschedulable' || path === 'spec.hostNetwork' ? 'false' : '';
  return typeof cur === 'string' ? cur : JSON.stringify(cur);
}

/** Whether an object satisfies every field requirement. */
export function matchesFields(selector: FieldSelector, obj: KubeObject): boolean {
  for (const r of selector) {
    if ((fieldValue(obj, r.path) === r.value) === r.negate) return false;
  }
  return true;
}
