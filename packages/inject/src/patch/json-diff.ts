import { escapePointerSegment, type JsonPatchOperation } from './json-patch.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

function diffInto(before: unknown, after: unknown, path: string, out: JsonPatchOperation[]): void {
  if (equal(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) {
      if (!(key in after)) out.push({ op: 'remove', path: `${path}/${escapePointerSegment(key)}` });
    }
    for (const key of Object.keys(after)) {
      const child = `${path}/${escapePointerSegment(key)}`;
      if (!(key in before)) out.push({ op: 'add', path: child, value: structuredClone(after[key]) });
      else diffInto(before[key], after[key], child, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i++) diffInto(before[i], after[i], `${path}/${i}`, out);
    for (let i = before.length - 1; i >= after.length; i--) out.push({ op: 'remove', path: `${path}/${i}` });
    for (let i = before.length; i < after.length; i++)
      out.push({ op: 'add', path: `${path}/-`, value: structuredClone(after[i]) });
    return;
  }
  out.push({ op: 'replace', path, value: structuredClone(after) });
}

/**
 * The operations that turn `before` into `after` (objects key by key, arrays index by index,
 * with trailing appends and removals), each under `prefix`.
 */
export function diffJson(before: unknown, after: unknown, prefix = ''): JsonPatchOperation[] {
  const out: JsonPatchOperation[] = [];
  diffInto(before, after, prefix, out);
  return out;
}
