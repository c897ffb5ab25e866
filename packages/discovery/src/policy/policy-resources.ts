import { ConfigError, NetworkSet, parseNetwork } from '@skein/core';
import { asObject, checkKeys } from '../static/yaml-fields.js';
import type { AuthzNetwork, DefaultPolicyName, PolicyProtocol } from './inbound-policy.js';
import { type LabelSelectorSpec, parseLabelSelector } from './label-selector-spec.js';
import { DEFAULT_POLICY_NAMES, isDefaultPolicyName } from './policy-settings.js';

// Linkerd's policy resources (policy.linkerd.io), read into the parts policies are built from.
// The same readers serve the Kubernetes watches (a resource that does not read is ignored and
// logged) and the static file (where it is a ConfigError naming the field).

/** Identifies a resource: its namespace and name. */
export interface ResourceId {
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
}

/** A `Server`: which pods' port a policy applies to, and its protocol. */
export interface ServerSpec extends ResourceId {
  /** The Server's own labels (ServerAuthorizations select Servers by them). */
  readonly labels: Readonly<Record<string, string>>;
  /** The pods it selects; undefined for `externalWorkloadSelector` Servers (no pods). */
  readonly podSelector: LabelSelectorSpec | undefined;
  /** A port number, or a container port name. */
  readonly port: number | string;
  /** `proxyProtocol`. */
  readonly protocol: PolicyProtocol;
  /** `accessPolicy`: a default policy's authorizations added to the Server's. */
  readonly accessPolicy?: DefaultPolicyName;
  /** Creation time (ms), to pick the oldest of Servers that select the same port. */
  readonly createdAt?: number;
}

/** What an AuthorizationPolicy applies to. */
export type AuthorizationTarget =
  | { readonly kind: 'server'; readonly name: string }
  | { readonly kind: 'namespace' }
  | { readonly kind: 'route'; readonly group: string; readonly resource: string; readonly name: string };

/** A `requiredAuthenticationRefs` entry (namespace undefined: the policy's own). */
export interface AuthenticationRef {
  /** The referenced kind. */
  readonly kind: 'meshTLS' | 'network' | 'serviceAccount';
  /** Its namespace, when given. */
  readonly namespace?: string;
  /** Its name. */
  readonly name: string;
}

/** An `AuthorizationPolicy`. */
export interface AuthorizationPolicySpec extends ResourceId {
  /** `targetRef`. */
  readonly target: AuthorizationTarget;
  /** `requiredAuthenticationRefs`. */
  readonly authentications: readonly AuthenticationRef[];
}

/** A `MeshTLSAuthentication`: identities as written (`*`, `*.suffix`, exact) and references. */
export interface MeshTLSAuthenticationSpec extends ResourceId {
  /** `identities`. */
  readonly identities: readonly string[];
  /** `identityRefs` to ServiceAccounts (one identity) or Namespaces (all its service accounts). */
  readonly identityRefs: readonly {
    readonly kind: 'serviceAccount' | 'namespace';
    readonly namespace?: string;
    readonly name: string;
  }[];
}

/** A `NetworkAuthentication`. */
export interface NetworkAuthenticationSpec extends ResourceId {
  /** `networks`, each with its `except`. */
  readonly networks: readonly AuthzNetwork[];
}

/** A `ServerAuthorization` (the older API). */
export interface ServerAuthorizationSpec extends ResourceId {
  /** `server.name`, or `server.selector` over Servers' labels. */
  readonly server: { readonly name: string } | { readonly selector: LabelSelectorSpec };
  /** `client.networks`; empty means the cluster networks. */
  readonly networks: readonly AuthzNetwork[];
  /** `client.unauthenticated`, `client.meshTLS.unauthenticatedTLS`, or identities and service accounts. */
  readonly authentication:
    | { readonly kind: 'unauthenticated' }
    | { readonly kind: 'tls' }
    | {
        readonly kind: 'identities';
        readonly identities: readonly string[];
        readonly serviceAccounts: readonly { readonly namespace?: string; readonly name: string }[];
      };
}

const PROTOCOLS: Record<string, PolicyProtocol> = {
  unknown: 'detect',
  'http/1': 'http1',
  'http/2': 'http2',
  grpc: 'grpc',
  opaque: 'opaque',
  tls: 'tls',
};

interface Head {
  readonly where: string;
  readonly id: ResourceId;
  readonly meta: Record<string, unknown>;
  readonly spec: Record<string, unknown>;
}

function head(value: unknown, kind: string, where: string, defaultNamespace: string | undefined): Head {
  const o = asObject(value, where);
  if (o.kind !== undefined && o.kind !== kind) throw new ConfigError(`${where}.kind`, String(o.kind), kind);
  if (
    o.apiVersion !== undefined &&
    (typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('policy.linkerd.io/'))
  ) {
    throw new ConfigError(`${where}.apiVersion`, String(o.apiVersion), 'policy.linkerd.io/<version>');
  }
  const meta = asObject(o.metadata, `${where}.metadata`);
  const name = meta.name;
  if (typeof name !== 'string' || name === '')
    throw new ConfigError(`${where}.metadata.name`, String(name), 'a name');
  const namespace = meta.namespace ?? defaultNamespace;
  if (typeof namespace !== 'string' || namespace === '') {
    throw new ConfigError(`${where}.metadata.namespace`, String(namespace), 'a namespace');
  }
  const at = `${kind} ${namespace}/${name}`;
  return { where: at, id: { namespace, name }, meta, spec: asObject(o.spec ?? {}, `${at}: spec`) };
}

function str(value: unknown, where: string, expected = 'a non-empty string'): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(where, String(value), expected);
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(where, JSON.stringify(value), 'a list');
  return value;
}

function createdAt(meta: Record<string, unknown>): number | undefined {
  const t = meta.creationTimestamp;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Reads `networks: [{ cidr, except }]` into one {@link AuthzNetwork} per entry. */
export function parseNetworks(value: unknown, where: string): AuthzNetwork[] {
  return list(value, where).map((v, i) => {
    const at = `${where}[${i}]`;
    const o = asObject(v, at);
    checkKeys(o, ['cidr', 'except'], at);
    const net = new NetworkSet([parseNetwork(str(o.cidr, `${at}.cidr`, 'a CIDR'), `${at}.cidr`)]);
    const except = list(o.except, `${at}.except`).map((e, j) =>
      parseNetwork(str(e, `${at}.except[${j}]`, 'a CIDR'), `${at}.except[${j}]`),
    );
    return except.length === 0 ? { net } : { net, except: new NetworkSet(except) };
  });
}

function sameKind(ref: Record<string, unknown>, group: string, kind: string): boolean {
  const g = typeof ref.group === 'string' ? ref.group.toLowerCase() : '';
  const k = typeof ref.kind === 'string' ? ref.kind.toLowerCase() : '';
  return k === kind.toLowerCase() && (g === group || (group === '' && g === 'core'));
}

/** Reads a `Server`. @throws {ConfigError} naming the field. */
export function parseServer(value: unknown, where = 'Server', defaultNamespace?: string): ServerSpec {
  const h = head(value, 'Server', where, defaultNamespace);
  const s = h.spec;
  const port = s.port;
  if (
    !(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) &&
    !(typeof port === 'string' && /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port))
  ) {
    throw new ConfigError(
      `${h.where}: spec.port`,
      String(port),
      'a port number 1-65535 or a container port name',
    );
  }
  let protocol: PolicyProtocol = 'detect';
  if (s.proxyProtocol !== undefined && s.proxyProtocol !== null) {
    const p = typeof s.proxyProtocol === 'string' ? PROTOCOLS[s.proxyProtocol.toLowerCase()] : undefined;
    if (p === undefined) {
      throw new ConfigError(
        `${h.where}: spec.proxyProtocol`,
        String(s.proxyProtocol),
        'one of unknown, HTTP/1, HTTP/2, gRPC, opaque, TLS',
      );
    }
    protocol = p;
  }
  let accessPolicy: DefaultPolicyName | undefined;
  if (s.accessPolicy !== undefined && s.accessPolicy !== null) {
    if (!isDefaultPolicyName(s.accessPolicy)) {
      throw new ConfigError(
        `${h.where}: spec.accessPolicy`,
        String(s.accessPolicy),
        `one of ${DEFAULT_POLICY_NAMES.join(', ')}`,
      );
    }
    accessPolicy = s.accessPolicy;
  }
  let podSelector: LabelSelectorSpec | undefined;
  if (s.podSelector !== undefined && s.podSelector !== null) {
    podSelector = parseLabelSelector(s.podSelector, `${h.where}: spec.podSelector`);
  } else if (s.externalWorkloadSelector === undefined || s.externalWorkloadSelector === null) {
    throw new ConfigError(`${h.where}: spec.podSelector`, 'missing', 'a label selector');
  }
  const labels =
    h.meta.labels === undefined || h.meta.labels === null
      ? {}
      : asObject(h.meta.labels, `${h.where}: metadata.labels`);
  const at = createdAt(h.meta);
  return {
    ...h.id,
    labels: labels as Record<string, string>,
    podSelector,
    port,
    protocol,
    ...(accessPolicy === undefined ? {} : { accessPolicy }),
    ...(at === undefined ? {} : { createdAt: at }),
  };
}

function target(value: unknown, where: string): AuthorizationTarget {
  const t = asObject(value, where);
  const name = str(t.name, `${where}.name`);
  if (sameKind(t, 'policy.linkerd.io', 'Server')) return { kind: 'server', name };
  if (sameKind(t, '', 'Namespace')) return { kind: 'namespace' };
  for (const [group, kind] of [
    ['policy.linkerd.io', 'HTTPRoute'],
    ['gateway.networking.k8s.io', 'HTTPRoute'],
    ['gateway.networking.k8s.io', 'GRPCRoute'],
  ] as const) {
    if (sameKind(t, group, kind)) return { kind: 'route', group, resource: kind, name };
  }
  throw new ConfigError(
    `${where}.kind`,
    `${String(t.group ?? '')}/${String(t.kind)}`,
    'a policy.linkerd.io Server, a Namespace, or an HTTPRoute/GRPCRoute',
  );
}

/** Reads an `AuthorizationPolicy`. @throws {ConfigError} naming the field. */
export function parseAuthorizationPolicy(
  value: unknown,
  where = 'AuthorizationPolicy',
  defaultNamespace?: string,
): AuthorizationPolicySpec {
  const h = head(value, 'AuthorizationPolicy', where, defaultNamespace);
  const authentications = list(
    h.spec.requiredAuthenticationRefs,
    `${h.where}: spec.requiredAuthenticationRefs`,
  ).map((v, i): AuthenticationRef => {
    const at = `${h.where}: spec.requiredAuthenticationRefs[${i}]`;
    const r = asObject(v, at);
    const name = str(r.name, `${at}.name`);
    const ns =
      r.namespace === undefined || r.namespace === null
        ? {}
        : { namespace: str(r.namespace, `${at}.namespace`) };
    if (sameKind(r, 'policy.linkerd.io', 'MeshTLSAuthentication')) return { kind: 'meshTLS', name, ...ns };
    if (sameKind(r, 'policy.linkerd.io', 'NetworkAuthentication')) return { kind: 'network', name, ...ns };
    if (sameKind(r, '', 'ServiceAccount')) return { kind: 'serviceAccount', name, ...ns };
    throw new ConfigError(
      `${at}.kind`,
      `${String(r.group ?? '')}/${String(r.kind)}`,
      'a policy.linkerd.io MeshTLSAuthentication or NetworkAuthentication, or a ServiceAccount',
    );
  });
  return { ...h.id, target: target(h.spec.targetRef, `${h.where}: spec.targetRef`), authentications };
}

/** Reads a `MeshTLSAuthentication`. @throws {ConfigError} naming the field. */
export function parseMeshTLSAuthentication(
  value: unknown,
  where = 'MeshTLSAuthentication',
  defaultNamespace?: string,
): MeshTLSAuthenticationSpec {
  const h = head(value, 'MeshTLSAuthentication', where, defaultNamespace);
  const identities = list(h.spec.identities, `${h.where}: spec.identities`).map((v, i) =>
    str(v, `${h.where}: spec.identities[${i}]`, 'an identity, *.<suffix> or *'),
  );
  const identityRefs = list(h.spec.identityRefs, `${h.where}: spec.identityRefs`).map((v, i) => {
    const at = `${h.where}: spec.identityRefs[${i}]`;
    const r = asObject(v, at);
    const name = str(r.name, `${at}.name`);
    const ns =
      r.namespace === undefined || r.namespace === null
        ? {}
        : { namespace: str(r.namespace, `${at}.namespace`) };
    if (sameKind(r, '', 'ServiceAccount')) return { kind: 'serviceAccount' as const, name, ...ns };
    if (sameKind(r, '', 'Namespace')) return { kind: 'namespace' as const, name };
    throw new ConfigError(`${at}.kind`, String(r.kind), 'ServiceAccount or Namespace');
  });
  if (identities.length === 0 && identityRefs.length === 0) {
    throw new ConfigError(`${h.where}: spec`, 'no identities', 'at least one of identities or identityRefs');
  }
  return { ...h.id, identities, identityRefs };
}

/** Reads a `NetworkAuthentication`. @throws {ConfigError} naming the field. */
export function parseNetworkAuthentication(
  value: unknown,
  where = 'NetworkAuthentication',
  defaultNamespace?: string,
): NetworkAuthenticationSpec {
  const h = head(value, 'NetworkAuthentication', where, defaultNamespace);
  const networks = parseNetworks(h.spec.networks, `${h.where}: spec.networks`);
  if (networks.length === 0) throw new ConfigError(`${h.where}: spec.networks`, '[]', 'at least one network');
  return { ...h.id, networks };
}

/** Reads a `ServerAuthorization`. @throws {ConfigError} naming the field. */
export function parseServerAuthorization(
  value: unknown,
  where = 'ServerAuthorization',
  defaultNamespace?: string,
): ServerAuthorizationSpec {
  const h = head(value, 'ServerAuthorization', where, defaultNamespace);
  const srv = asObject(h.spec.server, `${h.where}: spec.server`);
  const server =
    typeof srv.name === 'string' && srv.name !== ''
      ? { name: srv.name }
      : { selector: parseLabelSelector(srv.selector ?? {}, `${h.where}: spec.server.selector`) };
  const client = asObject(h.spec.client, `${h.where}: spec.client`);
  const networks = parseNetworks(client.networks, `${h.where}: spec.client.networks`);
  let authentication: ServerAuthorizationSpec['authentication'];
  if (client.unauthenticated === true) authentication = { kind: 'unauthenticated' };
  else if (client.meshTLS !== undefined && client.meshTLS !== null) {
    const at = `${h.where}: spec.client.meshTLS`;
    const m = asObject(client.meshTLS, at);
    if (m.unauthenticatedTLS === true) authentication = { kind: 'tls' };
    else {
      const identities = list(m.identities, `${at}.identities`).map((v, i) =>
        str(v, `${at}.identities[${i}]`),
      );
      const serviceAccounts = list(m.serviceAccounts, `${at}.serviceAccounts`).map((v, i) => {
        const sa = asObject(v, `${at}.serviceAccounts[${i}]`);
        const name = str(sa.name, `${at}.serviceAccounts[${i}].name`);
        return sa.namespace === undefined || sa.namespace === null
          ? { name }
          : { name, namespace: str(sa.namespace, `${at}.serviceAccounts[${i}].namespace`) };
      });
      if (identities.length === 0 && serviceAccounts.length === 0) {
        throw new ConfigError(at, 'no clients', 'unauthenticatedTLS, identities or serviceAccounts');
      }
      authentication = { kind: 'identities', identities, serviceAccounts };
    }
  } else {
    throw new ConfigError(`${h.where}: spec.client`, 'no authentication', 'unauthenticated: true or meshTLS');
  }
  return { ...h.id, server, networks, authentication };
}
