import { stringify } from 'yaml';

/** Output formats of manifest streams. */
export type ManifestFormat = 'yaml' | 'json';

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[key] = sortDeep((v as Record<string, unknown>)[key]);
  }
  return out;
}

/**
 * Serializes an object the way Linkerd's CLI writes re-serialized workloads: keys sorted,
 * sequences not indented under their key, multi-line strings as block literals, no folding.
 */
export function serializeObject(obj: unknown, format: ManifestFormat): string {
  if (format === 'json') return `${JSON.stringify(sortDeep(obj), null, 2)}\n`;
  return stringify(sortDeep(obj), { indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}
