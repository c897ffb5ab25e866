/** A map of Helm values. */
export type ValuesTree = Record<string, unknown>;

/** Whether `v` is a map (not null, not a list). */
export function isValuesTree(v: unknown): v is ValuesTree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeInto(base: ValuesTree, overlay: ValuesTree): ValuesTree {
  const out: ValuesTree = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) {
      // Helm: null deletes the key, so the chart default applies again.
      delete out[key];
    } else if (isValuesTree(value) && isValuesTree(out[key])) {
      out[key] = mergeInto(out[key] as ValuesTree, value);
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}

/**
 * Merges layers of raw Helm values as Helm does (`-f` files, then `--set`): maps merge key by
 * key, lists and scalars replace, `null` removes a key. Layers that are not maps are skipped
 * (the typed readers report them).
 */
export function mergeLayers(layers: readonly unknown[]): ValuesTree {
  let tree: ValuesTree = {};
  for (const layer of layers) if (isValuesTree(layer)) tree = mergeInto(tree, layer);
  return tree;
}

/** The value at a dotted path, or undefined. */
export function valueAt(tree: ValuesTree, path: string): unknown {
  let node: unknown = tree;
  for (const key of path.split('.')) node = isValuesTree(node) ? node[key] : undefined;
  return node;
}

/** A copy of `tree` with the value at the dotted `path` set (intermediate maps created). */
export function withValueAt(tree: ValuesTree, path: string, value: unknown): ValuesTree {
  const keys = path.split('.');
  const out = structuredClone(tree);
  let node = out;
  for (const key of keys.slice(0, -1)) {
    if (!isValuesTree(node[key])) node[key] = {};
    node = node[key] as ValuesTree;
  }
  node[keys.at(-1)!] = value;
  return out;
}
