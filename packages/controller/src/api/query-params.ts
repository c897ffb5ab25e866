import { parseDuration } from '@skein/core';
import { InvalidQueryError } from '../errors.js';
import { canonicalKind, type ResourceKind, type ResourceRef } from '../inventory/resources.js';

/** The default window, as Linkerd's `-t`. */
export const DEFAULT_WINDOW = '1m';

/** Reads `window` (`30s`, `1m`, …; default 1m; 1s..1h). */
export function windowParam(params: URLSearchParams): number {
  const text = params.get('window') ?? DEFAULT_WINDOW;
  let ms: number;
  try {
    ms = parseDuration(text, 'window');
  } catch {
    throw new InvalidQueryError('window', text, 'a duration between 1s and 1h such as 30s, 1m, 10m');
  }
  if (ms < 1000 || ms > 3_600_000)
    throw new InvalidQueryError('window', text, 'a duration between 1s and 1h');
  return ms;
}

/** Reads a required `kind` (aliases allowed). */
export function kindParam(params: URLSearchParams, name = 'kind'): ResourceKind {
  const v = params.get(name);
  if (v === null || v === '')
    throw new InvalidQueryError(
      name,
      '',
      'a resource kind such as deployment, pod, service, namespace, authority',
    );
  return canonicalKind(v, name);
}

/** Reads an optional resource `<prefix>Kind`, `<prefix>Namespace`, `<prefix>Name` triple (`fromKind`, …). */
export function refParam(
  params: URLSearchParams,
  prefix: 'from' | 'to',
  defaultNamespace: string,
): ResourceRef | undefined {
  const kind = params.get(`${prefix}Kind`);
  const name = params.get(`${prefix}Name`) ?? undefined;
  if (kind === null || kind === '') {
    if (name !== undefined)
      throw new InvalidQueryError(`${prefix}Kind`, '', `a kind when ${prefix}Name is given`);
    return undefined;
  }
  const k = canonicalKind(kind, `${prefix}Kind`);
  const namespace = params.get(`${prefix}Namespace`) || defaultNamespace;
  return {
    kind: k,
    namespace: k === 'namespace' ? (name ?? namespace) : namespace,
    ...(name === undefined || name === '' ? {} : { name }),
  };
}

/** Reads `namespace` (default `default`) or `allNamespaces=true`. */
export function namespaceParam(params: URLSearchParams): string | undefined {
  const all = params.get('allNamespaces');
  if (all !== null && all !== 'true' && all !== 'false')
    throw new InvalidQueryError('allNamespaces', all, 'true or false');
  if (all === 'true') return undefined;
  return params.get('namespace') || 'default';
}

/** Rejects parameters the endpoint does not know, so a typo is not silently ignored. */
export function checkParams(params: URLSearchParams, known: readonly string[]): void {
  for (const key of params.keys()) {
    if (!known.includes(key))
      throw new InvalidQueryError(
        key,
        params.get(key) ?? '',
        `no such parameter; known: ${known.join(', ')}`,
      );
  }
}
