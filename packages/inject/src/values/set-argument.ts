import { SetArgumentError } from '../errors.js';

type Tree = Record<string, unknown>;

/** Splits on `sep` outside `{…}` lists, honouring `\` escapes (kept for the next stage). */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === sep && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function unescapeSet(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Helm's typing of `--set` values: booleans and null (any case), integers; everything else is a string. */
function typedValue(raw: string): unknown {
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : splitUnescaped(inner, ',').map((item) => typedValue(item));
  }
  const text = unescapeSet(raw);
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  // Like Helm, a leading zero keeps the text a string (`0755`, `007`).
  if (!text.startsWith('0') && /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)))
    return Number(text);
  return text;
}

type Segment = { key: string; index?: number };

function parseKey(argument: string, key: string): Segment[] {
  if (key === '') throw new SetArgumentError(argument, 'the path is empty');
  return splitUnescaped(key, '.').map((part) => {
    const m = /^(.*?)\[(\d+)\]$/.exec(part);
    const name = unescapeSet(m === null ? part : m[1]!);
    if (name === '')
      throw new SetArgumentError(argument, `the path ${JSON.stringify(key)} has an empty segment`);
    return m === null ? { key: name } : { key: name, index: Number(m[2]) };
  });
}

function assign(target: Tree, segments: Segment[], value: unknown): void {
  let node: Tree = target;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment.index === undefined) {
      if (last) {
        node[segment.key] = value;
        return;
      }
      const next = node[segment.key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment.key] = {};
      node = node[segment.key] as Tree;
      return;
    }
    const list = Array.isArray(node[segment.key]) ? (node[segment.key] as unknown[]) : [];
    node[segment.key] = list;
    while (list.length <= segment.index) list.push(null);
    if (last) {
      list[segment.index] = value;
      return;
    }
    const item = list[segment.index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) list[segment.index] = {};
    node = list[segment.index] as Tree;
  });
}

/**
 * Parses Helm-style `--set` arguments (`proxy.logLevel=debug`, `a.b=1,c=true`,
 * `list={x,y}`, `env[0].name=X`, `\,` and `\.` escapes) into one values overlay. Values are
 * typed as Helm types them: `true`/`false`, `null`, integers; anything else is a string.
 *
 * @throws {SetArgumentError} quoting the argument and showing the expected form.
 */
export function parseSetArguments(args: readonly string[]): Record<string, unknown> {
  const overlay: Tree = {};
  for (const argument of args) {
    for (const pair of splitUnescaped(argument, ',')) {
      if (pair === '') continue;
      const eq = splitUnescaped(pair, '=');
      if (eq.length < 2) throw new SetArgumentError(argument, `${JSON.stringify(pair)} has no "="`);
      const key = eq[0]!;
      const raw = eq.slice(1).join('=');
      assign(overlay, parseKey(argument, key), typedValue(raw));
    }
  }
  return overlay;
}
