import { isJsonObject } from './kube-object.js';

/**
 * Applies a JSON merge patch (RFC 7386): objects merge key by key, `null` removes a key,
 * anything else (arrays included) replaces. Returns a new value; neither input is changed.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
