/** One RFC 6902 operation (the injector emits `add`; mutator diffs may also remove or replace). */
export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** Escapes one JSON Pointer segment (`~` → `~0`, `/` → `~1`). */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** Objects and arrays are copied so later operations (and callers) never edit the patch itself. */
function copy(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/**
 * Applies operations to `target` in place (the caller passes a copy). Supports `add`, `replace`
 * and `remove` with RFC 6901 pointers, `-` for appending to arrays. Values are copied in, so the
 * patch stays as it was.
 *
 * @throws {Error} when a path does not exist, as RFC 6902 requires.
 */
export function applyJsonPatch(target: unknown, ops: readonly JsonPatchOperation[]): void {
  for (const op of ops) {
    const segments = op.path.split('/').slice(1).map(unescapeSegment);
    const last = segments.pop();
    if (last === undefined) throw new Error(`cannot apply ${op.op} to the document root`);
    let node: unknown = target;
    for (const segment of segments) {
      node = Array.isArray(node)
        ? node[Number(segment)]
        : isContainer(node)
          ? (node as Record<string, unknown>)[segment]
          : undefined;
      if (!isContainer(node)) throw new Error(`path ${op.path} does not exist`);
    }
    if (!isContainer(node)) throw new Error(`path ${op.path} does not exist`);
    if (Array.isArray(node)) {
      const index = last === '-' ? node.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > node.length)
        throw new Error(`bad array index in ${op.path}`);
      if (op.op === 'add') node.splice(index, 0, copy(op.value));
      else if (op.op === 'replace') node[index] = copy(op.value);
      else node.splice(index, 1);
      continue;
    }
    if (op.op === 'remove') delete node[last];
    else node[last] = copy(op.value);
  }
}
