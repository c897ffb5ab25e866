import { ConfigError, NetworkSet, parseNetworkSet } from '@skein/core';
import type {
  Authorization,
  AuthzAuthentication,
  AuthzNetwork,
  DefaultPolicyName,
  PolicyRef,
} from './inbound-policy.js';
import type { PolicyIndex } from './policy-index.js';
import type {
  AuthorizationPolicySpec,
  MeshTLSAuthenticationSpec,
  ServerAuthorizationSpec,
} from './policy-resources.js';
import { type PolicySettings, serviceAccountIdentity } from './policy-settings.js';

const ALL = parseNetworkSet('0.0.0.0/0,::/0');
const POLICY_GROUP = 'policy.linkerd.io';

/** One {@link AuthzNetwork} per network of `set` (a `Network` message each). */
export function eachNetwork(set: NetworkSet): AuthzNetwork[] {
  return set.networks.map((n) => ({ net: new NetworkSet([n]) }));
}

/** Every IPv4 and IPv6 client, as two networks. */
export const ALL_NETWORKS: readonly AuthzNetwork[] = eachNetwork(ALL);

/** The reference of a default (`group: ""`, `kind: default`). */
export function defaultRef(name: string): PolicyRef {
  return { group: '', kind: 'default', name };
}

/**
 * The authorizations of a default policy as Linkerd's policy controller builds them: `*-authenticated`
 * requires any mesh identity, `cluster-*` restricts clients to the cluster networks, `audit`
 * allows everyone under the name `audit`, and `deny` has none.
 */
export function defaultAuthorizations(name: DefaultPolicyName, settings: PolicySettings): Authorization[] {
  const ref = defaultRef(name);
  const cluster = eachNetwork(settings.clusterNetworks);
  switch (name) {
    case 'all-unauthenticated':
    case 'audit':
      return [{ networks: ALL_NETWORKS, authentication: { kind: 'unauthenticated' }, ref }];
    case 'all-authenticated':
      return [{ networks: ALL_NETWORKS, authentication: { kind: 'meshTLSAny' }, ref }];
    case 'cluster-unauthenticated':
      return [{ networks: cluster, authentication: { kind: 'unauthenticated' }, ref }];
    case 'cluster-authenticated':
      return [{ networks: cluster, authentication: { kind: 'meshTLSAny' }, ref }];
    case 'deny':
      return [];
  }
}

/**
 * Mesh identities as written in policies (`*` for any, `*.<suffix>` for a suffix, else exact)
 * as an authentication; any-identity alone is `meshTLSAny`.
 */
export function meshTLSFrom(names: readonly string[]): AuthzAuthentication {
  const identities: string[] = [];
  const suffixes: string[][] = [];
  for (const n of names) {
    if (n === '*') suffixes.push([]);
    else if (n.startsWith('*.')) suffixes.push(n.slice(2).split('.'));
    else identities.push(n);
  }
  if (identities.length === 0 && suffixes.length === 1 && suffixes[0]!.length === 0)
    return { kind: 'meshTLSAny' };
  return { kind: 'meshTLS', identities, suffixes };
}

function meshTLSNames(m: MeshTLSAuthenticationSpec, settings: PolicySettings): string[] {
  const names = [...m.identities];
  for (const r of m.identityRefs) {
    if (r.kind === 'serviceAccount')
      names.push(serviceAccountIdentity(settings, r.namespace ?? m.namespace, r.name));
    // A namespace stands for every service account in it.
    else
      names.push(
        `*.${r.name}.serviceaccount.identity.${settings.controllerNamespace}.${settings.identityTrustDomain}`,
      );
  }
  return names;
}

/** A ServerAuthorization's authorization; no networks means the cluster networks. */
export function serverAuthorizationAuthz(
  saz: ServerAuthorizationSpec,
  settings: PolicySettings,
): Authorization {
  const a = saz.authentication;
  let authentication: AuthzAuthentication;
  if (a.kind === 'unauthenticated') authentication = { kind: 'unauthenticated' };
  else if (a.kind === 'tls') authentication = { kind: 'meshTLSAny' };
  else {
    authentication = meshTLSFrom([
      ...a.identities,
      ...a.serviceAccounts.map((sa) =>
        serviceAccountIdentity(settings, sa.namespace ?? saz.namespace, sa.name),
      ),
    ]);
  }
  return {
    networks: saz.networks.length > 0 ? saz.networks : eachNetwork(settings.clusterNetworks),
    authentication,
    ref: { group: POLICY_GROUP, kind: 'serverauthorization', name: saz.name },
  };
}

/**
 * An AuthorizationPolicy's authorization: identities from its one MeshTLSAuthentication or
 * ServiceAccount (else unauthenticated), networks from its one NetworkAuthentication (else all).
 * Every referenced resource is recorded in `keys` (`mtls:ns/name`, `netauthn:ns/name`).
 *
 * @throws {ConfigError} when a reference is missing or a kind is referenced twice: the policy is ignored.
 */
export function authorizationPolicyAuthz(
  ap: AuthorizationPolicySpec,
  index: PolicyIndex,
  settings: PolicySettings,
  keys: string[],
): Authorization {
  let identities: string[] | undefined;
  let networks: readonly AuthzNetwork[] | undefined;
  const where = `AuthorizationPolicy ${ap.namespace}/${ap.name}`;
  for (const ref of ap.authentications) {
    const ns = ref.namespace ?? ap.namespace;
    if (ref.kind === 'network') {
      keys.push(`netauthn:${ns}/${ref.name}`);
      if (networks !== undefined) throw new ConfigError(where, ref.name, 'at most one NetworkAuthentication');
      const n = index.networkAuthentication(ns, ref.name);
      if (n === undefined)
        throw new ConfigError(where, `${ns}/${ref.name}`, 'an existing NetworkAuthentication');
      networks = n.networks;
      continue;
    }
    if (identities !== undefined) {
      throw new ConfigError(where, ref.name, 'at most one MeshTLSAuthentication or ServiceAccount');
    }
    if (ref.kind === 'serviceAccount') {
      identities = [serviceAccountIdentity(settings, ns, ref.name)];
    } else {
      keys.push(`mtls:${ns}/${ref.name}`);
      const m = index.meshTLSAuthentication(ns, ref.name);
      if (m === undefined)
        throw new ConfigError(where, `${ns}/${ref.name}`, 'an existing MeshTLSAuthentication');
      identities = meshTLSNames(m, settings);
    }
  }
  return {
    networks: networks ?? ALL_NETWORKS,
    authentication: identities === undefined ? { kind: 'unauthenticated' } : meshTLSFrom(identities),
    ref: { group: POLICY_GROUP, kind: 'authorizationpolicy', name: ap.name },
  };
}
