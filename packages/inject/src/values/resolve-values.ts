import { ValuesError } from '../errors.js';
import { coerceLeaf } from './coerce-leaf.js';
import { defaultValues } from './defaults.js';
import { isLeaf, OPEN_SECTIONS, type SectionSchema, VALUES_SCHEMA } from './schema.js';
import type { Values } from './types.js';

/** Values after merging, and what was ignored on the way. */
export interface ResolvedValues {
  /** The merged, validated values. */
  readonly values: Values;
  /** Unknown keys that were ignored, one message each. */
  readonly warnings: readonly string[];
}

type Tree = Record<string, unknown>;

function isRecord(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, overlay: unknown): unknown {
  if (!isRecord(base) || !isRecord(overlay)) return structuredClone(overlay);
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(overlay)) out[k] = v === null ? undefined : deepMerge(base[k], v);
  return out;
}

function mergeSection(
  target: Tree,
  defaults: Tree,
  schema: SectionSchema,
  overlay: Tree,
  path: string,
  warnings: string[],
): void {
  for (const [key, value] of Object.entries(overlay)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    const form = schema[key];
    if (form === undefined) {
      if (path === '') {
        const extra = target.extra as Tree;
        extra[key] = deepMerge(extra[key], value);
      } else if (!OPEN_SECTIONS.has(path.split('.')[0]!)) {
        warnings.push(`unknown value ${keyPath} ignored`);
      }
      continue;
    }
    if (isLeaf(form)) {
      // Helm semantics: null removes the override, so the default applies again.
      target[key] =
        value === null && !('nullable' in form)
          ? structuredClone(defaults[key])
          : coerceLeaf(form, keyPath, value);
      continue;
    }
    if (value === null) {
      target[key] = structuredClone(defaults[key]);
      continue;
    }
    if (!isRecord(value)) throw new ValuesError(keyPath, value, 'a map of values');
    mergeSection(target[key] as Tree, defaults[key] as Tree, form, value, keyPath, warnings);
  }
}

/**
 * Merges layers of Helm values onto `base` (by default Skein's {@link defaultValues}), later
 * layers winning, as Helm merges `-f` files and `--set` flags: maps merge key by key, lists and
 * scalars replace, and `null` restores the default. `proxy.inbound` and `proxy.outbound` are
 * parameter maps and are replaced as a whole by a layer that sets them. Every known value is
 * checked; keys the injector does not know are kept under `extra` (top level) or reported in
 * `warnings`.
 *
 * `sources` names where each layer came from (or one name for all), for messages.
 *
 * @throws {ValuesError} naming the first invalid value, what was seen, the expected form and
 *   the layer's source.
 */
export function resolveValues(
  layers: readonly unknown[],
  base: Values = defaultValues(),
  sources?: string | readonly string[],
): ResolvedValues {
  const values = structuredClone(base);
  const defaults = defaultValues() as unknown as Tree;
  const warnings: string[] = [];
  layers.forEach((layer, i) => {
    const source = typeof sources === 'string' ? sources : sources?.[i];
    try {
      if (layer === undefined || layer === null) return;
      if (!isRecord(layer)) throw new ValuesError(`(values layer ${i + 1})`, layer, 'a map of values');
      const before = warnings.length;
      mergeSection(values as unknown as Tree, defaults, VALUES_SCHEMA, layer, '', warnings);
      if (source !== undefined)
        for (let w = before; w < warnings.length; w++) warnings[w] = `${warnings[w]} (${source})`;
    } catch (err) {
      throw err instanceof ValuesError && source !== undefined ? err.withSource(source) : err;
    }
  });
  return { values, warnings };
}

/** Reads the value at a dotted path (`proxy.ports.admin`), or undefined. */
export function getValueAt(values: Values, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) node = isRecord(node) ? node[key] : undefined;
  return node;
}
