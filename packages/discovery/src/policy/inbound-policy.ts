import { type NetworkSet, parseNetworkSet } from '@skein/core';

/** A resource reference as policy metadata carries it (`srv_*`, `authz_*`, `route_*` labels). */
export interface PolicyRef {
  /** API group (`policy.linkerd.io`, or `""` for defaults). */
  readonly group: string;
  /** Kind (`server`, `default`, `authorizationpolicy`, …). */
  readonly kind: string;
  /** Name (for defaults, the default policy's name, e.g. `all-unauthenticated`). */
  readonly name: string;
}

/** Who may connect, by client network: `networks` minus `except`. */
export interface AuthzNetwork {
  /** Allowed client networks. */
  readonly net: NetworkSet;
  /** Excluded client networks. */
  readonly except?: NetworkSet;
}

/** How a client must authenticate (`Authn`). */
export type AuthzAuthentication =
  | { readonly kind: 'unauthenticated' }
  | {
      readonly kind: 'meshTLS';
      readonly identities: readonly string[];
      readonly suffixes: readonly (readonly string[])[];
    }
  | { readonly kind: 'meshTLSAny' };

/** One authorization of a server (`Authz`). */
export interface Authorization {
  /** Client networks allowed; empty means any. */
  readonly networks: readonly AuthzNetwork[];
  /** Authentication required. */
  readonly authentication: AuthzAuthentication;
  /** Which resource granted it. */
  readonly ref: PolicyRef;
}

/** The protocol a server declares (`ProxyProtocol`). */
export type PolicyProtocol = 'detect' | 'opaque' | 'http1' | 'http2' | 'grpc' | 'tls';

/**
 * The kubelet-probe route of Linkerd's default HTTP routes: a `GET` of exactly one of `paths` is
 * also allowed by `authorization` (unauthenticated, from the controller's probe networks), so
 * probes pass even when the server's own authorizations would refuse the kubelet.
 */
export interface ProbeRoute {
  /** Probe paths (exact, without query), from the pod's HTTP liveness/readiness/startup probes. */
  readonly paths: readonly string[];
  /** Who may call them (`default:probe`). */
  readonly authorization: Authorization;
}

/** The inbound policy of one port: what `InboundServerPolicies.WatchPort` answers. */
export interface InboundPolicy {
  /** The protocol. */
  readonly protocol: PolicyProtocol;
  /** Detect timeout (ms) for `detect`. */
  readonly detectTimeoutMs?: number;
  /** Authorizations; a connection or request allowed by none of them is denied. */
  readonly authorizations: readonly Authorization[];
  /** The server resource (`srv_*` labels). */
  readonly server: PolicyRef;
  /** `audit` mode: denials are counted but allowed through. */
  readonly audit?: boolean;
  /** HTTP probe paths allowed on top of `authorizations` (HTTP protocols only). */
  readonly probes?: ProbeRoute;
}

/** A client as authorization sees it. */
export interface PolicyClient {
  /** Client IP address. */
  readonly ip: string;
  /** Verified mTLS client identity, if any. */
  readonly identity: string | undefined;
}

/** The outcome of {@link authorize}. */
export type AuthorizationResult =
  | { readonly allowed: true; readonly authorization: Authorization }
  | { readonly allowed: false; readonly audited: boolean };

/** The default inbound policies of `LINKERD2_PROXY_INBOUND_DEFAULT_POLICY`. */
export type DefaultPolicyName =
  | 'all-unauthenticated'
  | 'all-authenticated'
  | 'cluster-unauthenticated'
  | 'cluster-authenticated'
  | 'deny'
  | 'audit';

const ALL = parseNetworkSet('0.0.0.0/0,::/0');

/**
 * The built-in policy for a port when no Server selects it (linkerd2-proxy's defaults):
 * `all-unauthenticated` allows everyone, `all-authenticated` requires an mTLS identity,
 * `cluster-*` restrict clients to `clusterNetworks`, `deny` allows nobody, and `audit` allows
 * everyone while counting what it would have denied.
 */
export function defaultInboundPolicy(
  name: DefaultPolicyName,
  options: { clusterNetworks?: NetworkSet; opaque?: boolean; detectTimeoutMs?: number } = {},
): InboundPolicy {
  const ref: PolicyRef = { group: '', kind: 'default', name };
  const cluster = options.clusterNetworks ?? ALL;
  const protocol: PolicyProtocol = options.opaque === true ? 'opaque' : 'detect';
  const base = {
    protocol,
    server: ref,
    ...(options.detectTimeoutMs === undefined ? {} : { detectTimeoutMs: options.detectTimeoutMs }),
  };
  const authz = (networks: NetworkSet, authentication: AuthzAuthentication): Authorization => ({
    networks: [{ net: networks }],
    authentication,
    ref,
  });
  switch (name) {
    case 'all-unauthenticated':
      return { ...base, authorizations: [authz(ALL, { kind: 'unauthenticated' })] };
    case 'all-authenticated':
      return { ...base, authorizations: [authz(ALL, { kind: 'meshTLSAny' })] };
    case 'cluster-unauthenticated':
      return { ...base, authorizations: [authz(cluster, { kind: 'unauthenticated' })] };
    case 'cluster-authenticated':
      return { ...base, authorizations: [authz(cluster, { kind: 'meshTLSAny' })] };
    case 'deny':
      return { ...base, authorizations: [] };
    case 'audit':
      return { ...base, authorizations: [], audit: true };
  }
}

/** Decides whether `client` may use a server with `policy` (spec §2.4 step 3). */
export function authorize(policy: InboundPolicy, client: PolicyClient): AuthorizationResult {
  for (const a of policy.authorizations) {
    if (!networkAllowed(a.networks, client.ip)) continue;
    if (!authenticated(a.authentication, client.identity)) continue;
    return { allowed: true, authorization: a };
  }
  return { allowed: false, audited: policy.audit === true };
}

/**
 * Decides whether `client` may send an HTTP request with `method` and `path` to a server with
 * `policy`: the probe route first (a `GET` of one of its exact paths), then {@link authorize}.
 */
export function authorizeRequest(
  policy: InboundPolicy,
  client: PolicyClient,
  method: string,
  path: string,
): AuthorizationResult {
  const probes = policy.probes;
  if (probes !== undefined && method === 'GET') {
    const q = path.indexOf('?');
    const bare = q < 0 ? path : path.slice(0, q);
    const a = probes.authorization;
    if (
      probes.paths.includes(bare) &&
      networkAllowed(a.networks, client.ip) &&
      authenticated(a.authentication, client.identity)
    ) {
      return { allowed: true, authorization: a };
    }
  }
  return authorize(policy, client);
}

function networkAllowed(networks: readonly AuthzNetwork[], ip: string): boolean {
  if (networks.length === 0) return true;
  for (const n of networks) {
    if (n.net.contains(ip) && !(n.except?.contains(ip) ?? false)) return true;
  }
  return false;
}

function authenticated(authn: AuthzAuthentication, identity: string | undefined): boolean {
  switch (authn.kind) {
    case 'unauthenticated':
      return true;
    case 'meshTLSAny':
      return identity !== undefined;
    case 'meshTLS':
      if (identity === undefined) return false;
      if (authn.identities.includes(identity) || authn.identities.includes('*')) return true;
      for (const parts of authn.suffixes) {
        if (parts.length === 0) return true;
        if (identity.endsWith(`.${parts.join('.')}`)) return true;
      }
      return false;
  }
}
