/** Resource kinds the dashboard has pages for (the controller's canonical names). */
export const RESOURCE_KINDS = [
  'deployment',
  'statefulset',
  'daemonset',
  'job',
  'cronjob',
  'replicaset',
  'replicationcontroller',
  'pod',
  'service',
] as const;

/** A resource kind with a page. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** The tables of a namespace page. */
export const NAMESPACE_TABS = ['deployments', 'pods', 'services'] as const;

/** One table of a namespace page. */
export type NamespaceTab = (typeof NAMESPACE_TABS)[number];

/** The kind a namespace tab lists. */
export const TAB_KIND: Readonly<Record<NamespaceTab, ResourceKind>> = {
  deployments: 'deployment',
  pods: 'pod',
  services: 'service',
};

/** Filters of the tap page (all optional but the resource). */
export interface TapFilters {
  readonly namespace: string;
  /** `kind/name` or a bare kind (`deployment/web`, `deployment`). */
  readonly resource: string;
  /** Only requests to this resource (`kind/name`). */
  readonly to: string;
  readonly method: string;
  /** Path prefix. */
  readonly path: string;
  /** Exact authority. */
  readonly authority: string;
  readonly maxRps: number;
}

/** A view of the dashboard, as its URL hash says. */
export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'namespace'; readonly namespace: string; readonly tab: NamespaceTab }
  | {
      readonly page: 'resource';
      readonly namespace: string;
      readonly kind: ResourceKind;
      readonly name: string;
    }
  | { readonly page: 'tap'; readonly filters: TapFilters }
  | { readonly page: 'not-found'; readonly path: string };

/** A route and the settings every page shares (the stat window). */
export interface Location {
  readonly route: Route;
  /** Stat window (`10s`, `1m`, …) or undefined for the default. */
  readonly window: string | undefined;
}

/** The windows the dashboard offers. */
export const WINDOWS = ['10s', '30s', '1m', '5m', '10m', '1h'] as const;

const DEFAULT_TAP: TapFilters = {
  namespace: 'default',
  resource: 'deployment',
  to: '',
  method: '',
  path: '',
  authority: '',
  maxRps: 100,
};

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Parses a location hash (`#/namespaces/emojivoto/deployment/web?window=10s`). */
export function parseLocation(hash: string): Location {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const path = q < 0 ? text : text.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : text.slice(q + 1));
  const w = params.get('window');
  const window = w !== null && (WINDOWS as readonly string[]).includes(w) ? w : undefined;
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decode);
  return { route: parseRoute(parts, params, path), window };
}

function parseRoute(parts: string[], params: URLSearchParams, path: string): Route {
  if (parts.length === 0) return { page: 'overview' };
  if (parts[0] === 'tap' && parts.length === 1) {
    const maxRps = Number(params.get('maxRps') ?? DEFAULT_TAP.maxRps);
    return {
      page: 'tap',
      filters: {
        namespace: params.get('namespace') || DEFAULT_TAP.namespace,
        resource: params.get('resource') || DEFAULT_TAP.resource,
        to: params.get('to') ?? '',
        method: params.get('method') ?? '',
        path: params.get('path') ?? '',
        authority: params.get('authority') ?? '',
        maxRps: Number.isFinite(maxRps) && maxRps > 0 ? maxRps : DEFAULT_TAP.maxRps,
      },
    };
  }
  if (parts[0] === 'namespaces' && parts[1] !== undefined) {
    const namespace = parts[1];
    if (parts.length === 2) return { page: 'namespace', namespace, tab: 'deployments' };
    const third = parts[2]!;
    if (parts.length === 3 && (NAMESPACE_TABS as readonly string[]).includes(third))
      return { page: 'namespace', namespace, tab: third as NamespaceTab };
    if (parts.length === 4 && (RESOURCE_KINDS as readonly string[]).includes(third))
      return { page: 'resource', namespace, kind: third as ResourceKind, name: parts[3]! };
  }
  return { page: 'not-found', path: `/${path.replace(/^\/+/, '')}` };
}

/** The hash of a route (with the window when one is chosen). */
export function formatLocation(route: Route, window?: string): string {
  const params = new URLSearchParams();
  let path: string;
  const enc = encodeURIComponent;
  switch (route.page) {
    case 'overview':
      path = '/';
      break;
    case 'namespace':
      path = `/namespaces/${enc(route.namespace)}/${route.tab}`;
      break;
    case 'resource':
      path = `/namespaces/${enc(route.namespace)}/${route.kind}/${enc(route.name)}`;
      break;
    case 'tap': {
      path = '/tap';
      const f = route.filters;
      params.set('namespace', f.namespace);
      params.set('resource', f.resource);
      if (f.to !== '') params.set('to', f.to);
      if (f.method !== '') params.set('method', f.method);
      if (f.path !== '') params.set('path', f.path);
      if (f.authority !== '') params.set('authority', f.authority);
      if (f.maxRps !== DEFAULT_TAP.maxRps) params.set('maxRps', String(f.maxRps));
      break;
    }
    case 'not-found':
      path = route.path;
      break;
  }
  if (window !== undefined) params.set('window', window);
  const query = params.toString();
  return `#${path}${query === '' ? '' : `?${query}`}`;
}

/** The tap page's route for a resource, with default filters. */
export function tapRoute(namespace: string, resource: string, filters: Partial<TapFilters> = {}): Route {
  return { page: 'tap', filters: { ...DEFAULT_TAP, namespace, resource, ...filters } };
}
