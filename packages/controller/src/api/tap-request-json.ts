import type { TapByResourceRequest, TapTarget } from '@skein/tap';
import { InvalidQueryError } from '../errors.js';
import { canonicalKind } from '../inventory/resources.js';

function str(o: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidQueryError(`${at}${key}`, JSON.stringify(v), 'a string');
  return v;
}

/** Validates a `/api/tap` body into a {@link "@skein/tap".index.TapByResourceRequest | TapByResourceRequest}. */
export function tapRequestFromJson(body: unknown): TapByResourceRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidQueryError('body', JSON.stringify(body), 'a JSON object with target');
  const o = body as Record<string, unknown>;
  const target = (key: 'target' | 'to'): TapTarget | undefined => {
    const t = o[key];
    if (t === undefined || t === null) return undefined;
    if (typeof t !== 'object' || Array.isArray(t))
      throw new InvalidQueryError(key, JSON.stringify(t), 'an object with kind, namespace, name');
    const r = t as Record<string, unknown>;
    const kind = canonicalKind(str(r, 'kind', `${key}.`) ?? '', `${key}.kind`);
    const name = str(r, 'name', `${key}.`);
    const labelSelector = str(r, 'labelSelector', `${key}.`);
    return {
      kind,
      namespace:
        str(r, 'namespace', `${key}.`) ?? (kind === 'namespace' && name !== undefined ? name : 'default'),
      ...(name === undefined ? {} : { name }),
      ...(labelSelector === undefined ? {} : { labelSelector }),
    };
  };
  const t = target('target');
  if (t === undefined)
    throw new InvalidQueryError('target', 'missing', 'an object with kind, namespace, name');
  const to = target('to');
  const maxRps = o.maxRps;
  if (maxRps !== undefined && (typeof maxRps !== 'number' || !(maxRps > 0))) {
    throw new InvalidQueryError('maxRps', JSON.stringify(maxRps), 'a positive number');
  }
  if (o.extractHeaders !== undefined && typeof o.extractHeaders !== 'boolean') {
    throw new InvalidQueryError('extractHeaders', JSON.stringify(o.extractHeaders), 'true or false');
  }
  const opt = (k: 'method' | 'scheme' | 'authority' | 'path') => {
    const v = str(o, k, '');
    return v === undefined ? {} : { [k]: v };
  };
  return {
    target: t,
    ...(to === undefined ? {} : { to }),
    ...(maxRps === undefined ? {} : { maxRps: maxRps as number }),
    ...opt('method'),
    ...opt('scheme'),
    ...opt('authority'),
    ...opt('path'),
    ...(o.extractHeaders === true ? { extractHeaders: true } : {}),
  };
}
