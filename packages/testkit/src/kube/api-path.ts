/** A parsed API path. */
export type ApiPath =
  | { kind: 'root' | 'api' | 'apis' | 'version' | 'openapi' | 'health' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      namespace: string | undefined;
      plural: string;
      name: string | undefined;
      subresource: string | undefined;
      /** A legacy `/watch/` path. */
      watch: boolean;
    }
  | { kind: 'unknown' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// Namespaces are themselves a resource: /api/v1/namespaces/<name>/status is the namespace's
// status, not a resource called "status" inside it.
const namespaceSubresources = new Set(['status', 'finalize']);

function resourcePath(group: string, version: string, rest: string[]): ApiPath {
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && namespaceSubresources.has(rest[2]!))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return { kind: 'unknown' };
  return {
    kind: 'resource',
    group,
    version,
    namespace,
    plural: rest[0]!,
    name: rest[1],
    subresource: rest[2],
    watch,
  };
}

/** Parses the path of a request into what it addresses. */
export function parseApiPath(pathname: string): ApiPath {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decode);
  if (parts.length === 0) return { kind: 'root' };
  const [head, a, b] = parts;
  if (head === 'version' && parts.length === 1) return { kind: 'version' };
  if (head === 'openapi') return { kind: 'openapi' };
  if ((head === 'healthz' || head === 'readyz' || head === 'livez') && parts.length <= 2)
    return { kind: 'health' };
  if (head === 'api') {
    if (a === undefined) return { kind: 'api' };
    if (parts.length === 2) return { kind: 'groupVersion', group: '', version: a };
    return resourcePath('', a, parts.slice(2));
  }
  if (head === 'apis') {
    if (a === undefined) return { kind: 'apis' };
    if (b === undefined) return { kind: 'group', group: a };
    if (parts.length === 3) return { kind: 'groupVersion', group: a, version: b };
    return resourcePath(a, b, parts.slice(3));
  }
  return { kind: 'unknown' };
}
