import { formatNetwork } from '@skein/core';
import { durationFromMillis, type inbound, ipNetworkFromString, type meta } from '@skein/core/proto';
import type { Authorization, AuthzNetwork, InboundPolicy, PolicyRef } from './inbound-policy.js';
import { ALL_NETWORKS } from './policy-authorizations.js';

/** An `inbound.Server` as plain properties, ready to encode. */
export type InboundServerProps = inbound.Server.$Properties;
type AuthzProps = inbound.Authz.$Properties;
type HttpRouteProps = inbound.HttpRoute.$Properties;

function metadata(ref: PolicyRef): meta.Metadata.$Properties {
  return ref.group === '' && ref.kind === 'default'
    ? { default: ref.name }
    : { resource: { group: ref.group, kind: ref.kind, name: ref.name } };
}

function labels(ref: PolicyRef): Record<string, string> {
  return { group: ref.group, kind: ref.kind, name: ref.name };
}

function networks(list: readonly AuthzNetwork[]): inbound.Network.$Properties[] {
  // linkerd2-proxy refuses an authorization without networks; the model's "empty" means any.
  const out: inbound.Network.$Properties[] = [];
  for (const n of list.length === 0 ? ALL_NETWORKS : list) {
    const except = (n.except?.networks ?? []).map((e) => ipNetworkFromString(formatNetwork(e)));
    for (const net of n.net.networks) out.push({ net: ipNetworkFromString(formatNetwork(net)), except });
  }
  return out;
}

function authz(a: Authorization): AuthzProps {
  const authn = a.authentication;
  let authentication: inbound.Authn.$Properties;
  if (authn.kind === 'unauthenticated') authentication = { unauthenticated: {} };
  else if (authn.kind === 'meshTLSAny') {
    // As Linkerd's controller says "any authenticated client": the empty suffix.
    authentication = { meshTLS: { identities: { identities: [], suffixes: [{ parts: [] }] } } };
  } else {
    authentication = {
      meshTLS: {
        identities: {
          identities: authn.identities.map((name) => ({ name })),
          suffixes: authn.suffixes.map((parts) => ({ parts: [...parts] })),
        },
      },
    };
  }
  return { networks: networks(a.networks), authentication, labels: labels(a.ref), metadata: metadata(a.ref) };
}

function httpRoutes(policy: InboundPolicy): HttpRouteProps[] {
  // Linkerd's default routes: everything, under the server's authorizations…
  const routes: HttpRouteProps[] = [
    { metadata: { default: 'default' }, rules: [{ matches: [{ path: { prefix: '/' } }] }] },
  ];
  // …and the kubelet's probes, also allowed from the probe networks.
  const probes = policy.probes;
  if (probes !== undefined && probes.paths.length > 0) {
    routes.push({
      metadata: { default: 'probe' },
      rules: [
        {
          matches: probes.paths.map((path) => ({ path: { exact: path }, method: { registered: 0 } })),
        },
      ],
      authorizations: [authz(probes.authorization)],
    });
  }
  return routes;
}

/**
 * The `inbound.Server` message of a policy, as Linkerd's policy controller writes it: the server
 * reference as `labels` (`group`, `kind`, `name`), each authorization with `metadata` and the
 * older `labels`, networks always explicit (an empty list is sent as `0.0.0.0/0` and `::/0`),
 * `meshTLSAny` as the empty identity suffix, and the default HTTP routes (`default`, plus `probe`
 * when the policy has probe paths) for detect, HTTP/1 and HTTP/2.
 */
export function encodeInboundServer(policy: InboundPolicy): InboundServerProps {
  let protocol: inbound.ProxyProtocol.$Properties;
  switch (policy.protocol) {
    case 'detect':
      protocol = {
        detect: {
          timeout: durationFromMillis(policy.detectTimeoutMs ?? 10_000),
          httpRoutes: httpRoutes(policy),
        },
      };
      break;
    case 'http1':
      protocol = { http1: { routes: httpRoutes(policy) } };
      break;
    case 'http2':
      protocol = { http2: { routes: httpRoutes(policy) } };
      break;
    case 'grpc':
      protocol = { grpc: { routes: [] } };
      break;
    case 'opaque':
      protocol = { opaque: {} };
      break;
    case 'tls':
      protocol = { tls: {} };
      break;
  }
  return { protocol, authorizations: policy.authorizations.map(authz), labels: labels(policy.server) };
}
