import { parseGoDuration, parseNetwork, parseQuantity } from '@skein/core';
import { ValuesError } from '../errors.js';
import { parsePortList } from './port-list.js';
import type { LeafForm } from './schema.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function integer(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function checked<T>(path: string, v: unknown, expected: string, parse: () => T): T {
  try {
    return parse();
  } catch (cause) {
    throw new ValuesError(path, v, expected, { cause });
  }
}

function coerceParams(path: string, v: unknown): unknown {
  const expected = 'a map scope → protocol → parameter → string, number or boolean';
  if (!isRecord(v)) throw new ValuesError(path, v, expected);
  for (const [scope, protos] of Object.entries(v)) {
    if (!isRecord(protos)) throw new ValuesError(`${path}.${scope}`, protos, expected);
    for (const [proto, params] of Object.entries(protos)) {
      if (!isRecord(params)) throw new ValuesError(`${path}.${scope}.${proto}`, params, expected);
      for (const [param, value] of Object.entries(params)) {
        if (scalarText(value) === undefined)
          throw new ValuesError(`${path}.${scope}.${proto}.${param}`, value, expected);
      }
    }
  }
  return structuredClone(v);
}

function coerceEnvList(path: string, v: unknown): unknown {
  const expected = 'a list of environment variables ({name, value} or {name, valueFrom})';
  if (!Array.isArray(v)) throw new ValuesError(path, v, expected);
  v.forEach((item, i) => {
    if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') {
      throw new ValuesError(`${path}[${i}]`, item, expected);
    }
    if (item.value !== undefined && typeof item.value !== 'string') {
      throw new ValuesError(`${path}[${i}].value`, item.value, 'a string');
    }
    if (item.valueFrom !== undefined && !isRecord(item.valueFrom)) {
      throw new ValuesError(`${path}[${i}].valueFrom`, item.valueFrom, 'an object');
    }
  });
  return structuredClone(v);
}

/**
 * Checks one leaf value against its form and returns it in canonical type (numbers for ports,
 * strings for quantities). `null` is only accepted by nullable forms.
 *
 * @throws {ValuesError} naming `path`, the value and the expected form.
 */
export function coerceLeaf(form: LeafForm, path: string, v: unknown): unknown {
  switch (form.form) {
    case 'string': {
      const text = scalarText(v);
      if (text === undefined) throw new ValuesError(path, v, 'a string');
      return text;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw new ValuesError(path, v, 'true or false');
    case 'int': {
      if (v === null && form.nullable === true) return null;
      const n = integer(v);
      const min = form.min;
      if (n === undefined || (min !== undefined && n < min)) {
        throw new ValuesError(path, v, min === undefined ? 'an integer' : `an integer ≥ ${min}`);
      }
      return n;
    }
    case 'number': {
      if (v === null && form.nullable === true) return null;
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new ValuesError(path, v, 'a number');
      return n;
    }
    case 'port': {
      const n = integer(v);
      if (n === undefined || n < 1 || n > 65535) throw new ValuesError(path, v, 'a port number 1-65535');
      return n;
    }
    case 'enum': {
      const text = scalarText(v);
      if (text === undefined || !form.values.includes(text)) {
        throw new ValuesError(path, v, `one of ${form.values.map((x) => (x === '' ? '""' : x)).join(', ')}`);
      }
      return text;
    }
    case 'quantity': {
      const text = scalarText(v);
      const expected = 'a Kubernetes quantity (e.g. 100m, 64Mi) or ""';
      if (text === undefined) throw new ValuesError(path, v, expected);
      if (text !== '') checked(path, v, expected, () => parseQuantity(text, path));
      return text;
    }
    case 'duration': {
      const text = scalarText(v);
      const expected = 'a duration such as 100ms, 10s, 5m or 1h (or "")';
      if (text === undefined) throw new ValuesError(path, v, expected);
      if (text !== '') checked(path, v, expected, () => parseGoDuration(text, path));
      return text;
    }
    case 'portList': {
      const text = scalarText(v);
      const expected = form.names
        ? 'comma-separated ports, ranges or port names (e.g. 25,3306,8000-8100,mysql)'
        : 'comma-separated ports or ranges (e.g. 22,8000-8100)';
      if (text === undefined) throw new ValuesError(path, v, expected);
      const parsed = parsePortList(text, form.names);
      if (typeof parsed === 'string') throw new ValuesError(path, v, `${expected}; ${parsed}`);
      return text;
    }
    case 'cidrList': {
      const text = scalarText(v);
      const expected = 'comma-separated CIDRs (e.g. 10.0.0.0/8,fd00::/8)';
      if (text === undefined) throw new ValuesError(path, v, expected);
      for (const item of text.split(',')) {
        if (item.trim() !== '') checked(path, v, expected, () => parseNetwork(item.trim(), path));
      }
      return text;
    }
    case 'stringMap': {
      if (!isRecord(v)) throw new ValuesError(path, v, 'a map of strings');
      const out: Record<string, string> = {};
      for (const [k, item] of Object.entries(v)) {
        const text = scalarText(item);
        if (text === undefined) throw new ValuesError(`${path}.${k}`, item, 'a string');
        out[k] = text;
      }
      return out;
    }
    case 'object':
      if (!isRecord(v)) throw new ValuesError(path, v, 'an object');
      return structuredClone(v);
    case 'params':
      return coerceParams(path, v);
    case 'envList':
      return coerceEnvList(path, v);
  }
}
