import { NetworkSet, parseNetwork } from '@skein/core';
import { durationToMillis, type inbound, ipNetworkToString, type meta } from '@skein/core/proto';
import type {
  Authorization,
  AuthzAuthentication,
  AuthzNetwork,
  InboundPolicy,
  PolicyProtocol,
  PolicyRef,
  ProbeRoute,
} from './inbound-policy.js';
import { defaultRef, eachNetwork } from './policy-authorizations.js';
import { InvalidPolicyError } from './policy-error.js';

/** Options of {@link inboundPolicyFromServer}. */
export interface PolicyConversionOptions {
  /**
   * Append linkerd2-proxy's `default:localhost` authorization (unauthenticated from 127.0.0.1 and
   * ::1), which the proxy grants on every server whatever the policy says. Default true.
   */
  readonly permitLocalhost?: boolean;
}

const LOCALHOST: Authorization = {
  networks: eachNetwork(new NetworkSet([parseNetwork('127.0.0.1/32'), parseNetwork('::1/128')])),
  authentication: { kind: 'unauthenticated' },
  ref: defaultRef('localhost'),
};

/** Reads labels as linkerd2-proxy does: `name` required, `group`/`kind` defaulted, `kind:name` names. */
function refFromLabels(
  labels: Readonly<Record<string, string>> | null | undefined,
  defaultGroup: string,
  defaultKind: string,
  field: string,
): PolicyRef {
  const name = labels?.name;
  if (name === undefined) throw new InvalidPolicyError(field, "has no 'name' label");
  const group = labels?.group ?? defaultGroup;
  const kind = labels?.kind;
  if (kind !== undefined)
    return group === '' && kind === 'default' ? defaultRef(name) : { group, kind, name };
  // Older controllers encode the kind in the name: `default:deny`, `<kind>:<name>`.
  const colon = name.indexOf(':');
  if (colon < 0) return { group, kind: defaultKind, name };
  const k = name.slice(0, colon);
  const n = name.slice(colon + 1);
  return k === 'default' ? defaultRef(n) : { group, kind: k, name: n };
}

function refFromMetadata(m: meta.Metadata.$Properties, field: string): PolicyRef {
  if (m.default != null) return defaultRef(m.default);
  if (m.resource != null) {
    return { group: m.resource.group ?? '', kind: m.resource.kind ?? '', name: m.resource.name ?? '' };
  }
  throw new InvalidPolicyError(field, 'has no kind');
}

function networkSet(n: Parameters<typeof ipNetworkToString>[0], field: string): NetworkSet {
  try {
    return new NetworkSet([parseNetwork(ipNetworkToString(n), field)]);
  } catch (err) {
    throw new InvalidPolicyError(field, `is not a network (${(err as Error).message})`, { cause: err });
  }
}

function authentication(a: inbound.Authn.$Properties | null | undefined, field: string): AuthzAuthentication {
  if (a?.unauthenticated != null) return { kind: 'unauthenticated' };
  const mtls = a?.meshTLS;
  if (mtls == null) throw new InvalidPolicyError(field, 'is missing');
  // TLS without a client identity check: the model has no such case; any mesh identity is closest.
  if (mtls.unauthenticated != null) return { kind: 'meshTLSAny' };
  if (mtls.identities == null) throw new InvalidPolicyError(`${field}.meshTLS`, 'has no clients');
  const identities = (mtls.identities.identities ?? []).map((i) => i.name ?? '');
  const suffixes = (mtls.identities.suffixes ?? []).map((s) => [...(s.parts ?? [])]);
  if (identities.length === 0 && suffixes.length === 1 && suffixes[0]!.length === 0)
    return { kind: 'meshTLSAny' };
  return { kind: 'meshTLS', identities, suffixes };
}

function authorization(a: inbound.Authz.$Properties, field: string): Authorization {
  const nets = a.networks ?? [];
  if (nets.length === 0) throw new InvalidPolicyError(`${field}.networks`, 'is empty');
  const networks: AuthzNetwork[] = nets.map((n, i) => {
    const at = `${field}.networks[${i}]`;
    if (n.net == null) throw new InvalidPolicyError(`${at}.net`, 'is missing');
    const except = (n.except ?? []).map((e, j) => networkSet(e, `${at}.except[${j}]`).networks[0]!);
    const net = networkSet(n.net, `${at}.net`);
    return except.length === 0 ? { net } : { net, except: new NetworkSet(except) };
  });
  const ref =
    a.metadata != null
      ? refFromMetadata(a.metadata, `${field}.metadata`)
      : refFromLabels(a.labels, 'policy.linkerd.io', 'serverauthorization', `${field}.labels`);
  return { networks, authentication: authentication(a.authentication, `${field}.authentication`), ref };
}

function probeRoute(routes: readonly inbound.HttpRoute.$Properties[] | null | undefined, field: string) {
  const i = (routes ?? []).findIndex((r) => r.metadata?.default === 'probe');
  if (i < 0) return undefined;
  const route = routes![i]!;
  const paths: string[] = [];
  for (const rule of route.rules ?? []) {
    for (const m of rule.matches ?? []) if (m.path?.exact != null) paths.push(m.path.exact);
  }
  const authz = route.authorizations?.[0];
  if (paths.length === 0 || authz == null) return undefined;
  const probes: ProbeRoute = {
    paths,
    authorization: authorization(authz, `${field}[${i}].authorizations[0]`),
  };
  return probes;
}

/**
 * Converts an `inbound.Server` message into the {@link InboundPolicy} the proxy enforces, with
 * linkerd2-proxy's rules: a protocol is required (and a timeout for `detect`); every authorization
 * needs networks and an authentication; `metadata` names an authorization, else its `labels`;
 * the server is named by its `labels`; `meshTLS` without an identity check, or with the empty
 * suffix alone, is `meshTLSAny`; the `probe` HTTP route becomes `probes`; `default:audit` makes the
 * policy `audit`. HTTP routes other than Linkerd's defaults are not read (HTTPRoute policies are
 * not part of the model).
 *
 * @throws {InvalidPolicyError} naming the field linkerd2-proxy would refuse.
 */
export function inboundPolicyFromServer(
  server: inbound.Server.$Properties,
  options: PolicyConversionOptions = {},
): InboundPolicy {
  const p = server.protocol;
  let protocol: PolicyProtocol;
  let detectTimeoutMs: number | undefined;
  let routes: readonly inbound.HttpRoute.$Properties[] | null | undefined;
  let routesField = '';
  if (p?.detect != null) {
    protocol = 'detect';
    if (p.detect.timeout == null) throw new InvalidPolicyError('protocol.detect.timeout', 'is missing');
    detectTimeoutMs = durationToMillis(p.detect.timeout);
    routes = p.detect.httpRoutes;
    routesField = 'protocol.detect.httpRoutes';
  } else if (p?.http1 != null) {
    protocol = 'http1';
    routes = p.http1.routes;
    routesField = 'protocol.http1.routes';
  } else if (p?.http2 != null) {
    protocol = 'http2';
    routes = p.http2.routes;
    routesField = 'protocol.http2.routes';
  } else if (p?.grpc != null) protocol = 'grpc';
  else if (p?.opaque != null) protocol = 'opaque';
  else if (p?.tls != null) protocol = 'tls';
  else throw new InvalidPolicyError('protocol', 'is missing');
  const authorizations = (server.authorizations ?? []).map((a, i) =>
    authorization(a, `authorizations[${i}]`),
  );
  const ref = refFromLabels(server.labels, 'policy.linkerd.io', 'server', 'labels');
  const isAudit = (r: PolicyRef) => r.kind === 'default' && r.group === '' && r.name === 'audit';
  const audit = isAudit(ref) || authorizations.some((a) => isAudit(a.ref));
  if (options.permitLocalhost !== false) authorizations.push(LOCALHOST);
  const probes = probeRoute(routes, routesField);
  return {
    protocol,
    ...(detectTimeoutMs === undefined ? {} : { detectTimeoutMs }),
    authorizations,
    server: ref,
    ...(audit ? { audit: true } : {}),
    ...(probes === undefined ? {} : { probes }),
  };
}

/** linkerd2-proxy's `default:localhost` authorization: unauthenticated from 127.0.0.1 and ::1. */
export const LOCALHOST_AUTHORIZATION: Authorization = LOCALHOST;
