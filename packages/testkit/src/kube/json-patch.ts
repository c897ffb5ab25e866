import { isJsonObject, jsonEqual } from './kube-object.js';

/** A JSON patch (RFC 6902) operation could not be applied; the message names the operation and path. */
export class JsonPatchError extends Error {}

type Container = Record<string, unknown> | unknown[];

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new JsonPatchError(`path ${JSON.stringify(pointer)} must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: unknown[], token: string, pointer: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw new JsonPatchError(`path ${pointer}: "${token}" is not an array index`);
  const index = Number(token);
  if (index > arr.length || (!forInsert && index === arr.length))
    throw new JsonPatchError(`path ${pointer}: index ${index} is out of bounds (length ${arr.length})`);
  return index;
}

function resolveParent(doc: unknown, tokens: string[], pointer: string): Container {
  let cur: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, token, pointer, false)];
    else if (isJsonObject(cur) && Object.hasOwn(cur, token)) cur = cur[token];
    else throw new JsonPatchError(`path ${pointer}: "${token}" does not exist`);
  }
  if (!Array.isArray(cur) && !isJsonObject(cur))
    throw new JsonPatchError(`path ${pointer}: parent is not a container`);
  return cur;
}

function getAt(doc: unknown, pointer: string): unknown {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, pointer, false)];
  if (!Object.hasOwn(parent, last)) throw new JsonPatchError(`path ${pointer} does not exist`);
  return parent[last];
}

function removeAt(doc: unknown, pointer: string): unknown {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the whole document');
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, pointer, false), 1)[0];
  if (!Object.hasOwn(parent, last)) throw new JsonPatchError(`path ${pointer} does not exist`);
  const old = parent[last];
  delete parent[last];
  return old;
}

function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = decodePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last, pointer, !replace);
    parent.splice(index, replace ? 1 : 0, value);
  } else {
    if (replace && !Object.hasOwn(parent, last)) throw new JsonPatchError(`path ${pointer} does not exist`);
    parent[last] = value;
  }
  return doc;
}

/**
 * Applies a JSON patch (RFC 6902: add, remove, replace, move, copy, test) to a copy of `doc`.
 * Throws {@link JsonPatchError} naming the failing operation.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let result = structuredClone(doc);
  patch.forEach((op, i) => {
    if (!isJsonObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string')
      throw new JsonPatchError(`operation ${i} must be an object with string "op" and "path"`);
    const path = op.path;
    const where = `operation ${i} (${op.op} ${path})`;
    try {
      switch (op.op) {
        case 'add':
          result = addAt(result, path, structuredClone(op.value), false);
          break;
        case 'replace':
          result = addAt(result, path, structuredClone(op.value), true);
          break;
        case 'remove':
          removeAt(result, path);
          break;
        case 'move':
        case 'copy': {
          if (typeof op.from !== 'string') throw new JsonPatchError('"from" must be a string');
          const value =
            op.op === 'move' ? removeAt(result, op.from) : structuredClone(getAt(result, op.from));
          result = addAt(result, path, value, false);
          break;
        }
        case 'test':
          if (!jsonEqual(getAt(result, path), op.value))
            throw new JsonPatchError(`value at ${path} is not ${JSON.stringify(op.value)}`);
          break;
        default:
          throw new JsonPatchError(`unknown op "${op.op}"`);
      }
    } catch (e) {
      if (e instanceof JsonPatchError) throw new JsonPatchError(`${where}: ${e.message}`);
      throw e;
    }
  });
  return result;
}
