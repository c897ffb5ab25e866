import { ConfigError, PortSet } from '@skein/core';
import type { StaticDiscovery } from '../static/static-file.js';
import type { DefaultPolicyName } from './inbound-policy.js';
import type { PolicyIndex, PolicyPod } from './policy-index.js';
import {
  type AuthorizationPolicySpec,
  type MeshTLSAuthenticationSpec,
  type NetworkAuthenticationSpec,
  parseAuthorizationPolicy,
  parseMeshTLSAuthentication,
  parseNetworkAuthentication,
  parseServer,
  parseServerAuthorization,
  type ResourceId,
  type ServerAuthorizationSpec,
  type ServerSpec,
} from './policy-resources.js';
import { DEFAULT_POLICY_NAMES, isDefaultPolicyName, type PolicySettingsInput } from './policy-settings.js';

/** The policy sections of a static discovery file. */
export interface StaticPolicy {
  /** `defaultInboundPolicy`: the default for ports no Server selects (else the server's setting). */
  readonly defaultPolicy?: DefaultPolicyName;
  /** `servers`. */
  readonly servers: readonly ServerSpec[];
  /** `serverAuthorizations`. */
  readonly serverAuthorizations: readonly ServerAuthorizationSpec[];
  /** `authorizationPolicies`. */
  readonly authorizationPolicies: readonly AuthorizationPolicySpec[];
  /** `meshTLSAuthentications`. */
  readonly meshTLSAuthentications: readonly MeshTLSAuthenticationSpec[];
  /** `networkAuthentications`. */
  readonly networkAuthentications: readonly NetworkAuthenticationSpec[];
}

/** The top-level fields of a discovery file that hold policy. */
export const STATIC_POLICY_FIELDS = [
  'defaultInboundPolicy',
  'servers',
  'serverAuthorizations',
  'authorizationPolicies',
  'meshTLSAuthentications',
  'networkAuthentications',
] as const;

function section<T extends ResourceId>(
  value: unknown,
  where: string,
  parse: (v: unknown, at: string, ns: string) => T,
): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(where, JSON.stringify(value), 'a list of resources');
  const seen = new Set<string>();
  return value.map((v, i) => {
    const r = parse(v, `${where}[${i}]`, 'default');
    const id = `${r.namespace}/${r.name}`;
    if (seen.has(id))
      throw new ConfigError(
        `${where}[${i}].metadata.name`,
        r.name,
        `a name not already used in ${r.namespace}`,
      );
    seen.add(id);
    return r;
  });
}

/**
 * Reads the policy sections of a discovery file: Linkerd's policy resources as written for
 * Kubernetes (`apiVersion` and `kind` may be left out; `metadata.namespace` defaults to
 * `default`). Returns undefined when the file has none of them.
 *
 * @throws {ConfigError} naming the resource and field.
 */
export function parseStaticPolicy(
  root: Readonly<Record<string, unknown>>,
  source: string,
): StaticPolicy | undefined {
  if (STATIC_POLICY_FIELDS.every((k) => root[k] === undefined)) return undefined;
  const d = root.defaultInboundPolicy;
  if (d !== undefined && !isDefaultPolicyName(d)) {
    throw new ConfigError(
      `${source}: defaultInboundPolicy`,
      String(d),
      `one of ${DEFAULT_POLICY_NAMES.join(', ')}`,
    );
  }
  return {
    ...(d === undefined ? {} : { defaultPolicy: d }),
    servers: section(root.servers, `${source}: servers`, parseServer),
    serverAuthorizations: section(
      root.serverAuthorizations,
      `${source}: serverAuthorizations`,
      parseServerAuthorization,
    ),
    authorizationPolicies: section(
      root.authorizationPolicies,
      `${source}: authorizationPolicies`,
      parseAuthorizationPolicy,
    ),
    meshTLSAuthentications: section(
      root.meshTLSAuthentications,
      `${source}: meshTLSAuthentications`,
      parseMeshTLSAuthentication,
    ),
    networkAuthentications: section(
      root.networkAuthentications,
      `${source}: networkAuthentications`,
      parseNetworkAuthentication,
    ),
  };
}

function byNamespace<T extends ResourceId>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const list = m.get(it.namespace);
    if (list === undefined) m.set(it.namespace, [it]);
    else list.push(it);
  }
  return m;
}

const NO_PORTS = new Map<string, readonly number[]>();
const NO_PROBES = new Map<number, readonly string[]>();

/**
 * The {@link PolicyIndex} of a static discovery file. Pods are the `services` endpoints that name
 * a `pod` (labels: the endpoint's `labels`; opaque ports: the target ports of the service's opaque
 * ports); any other workload is a pod without labels, so a local proxy the file does not list
 * still gets the default policy or what label-free Servers give it.
 */
export class StaticPolicyIndex implements PolicyIndex {
  readonly #pods = new Map<string, PolicyPod>();
  readonly #servers: Map<string, ServerSpec[]>;
  readonly #sazs: Map<string, ServerAuthorizationSpec[]>;
  readonly #aps: Map<string, AuthorizationPolicySpec[]>;
  readonly #mtls = new Map<string, MeshTLSAuthenticationSpec>();
  readonly #nets = new Map<string, NetworkAuthenticationSpec>();

  constructor(discovery: StaticDiscovery) {
    const p = discovery.policy;
    this.#servers = byNamespace(p?.servers ?? []);
    this.#sazs = byNamespace(p?.serverAuthorizations ?? []);
    this.#aps = byNamespace(p?.authorizationPolicies ?? []);
    for (const m of p?.meshTLSAuthentications ?? []) this.#mtls.set(`${m.namespace}/${m.name}`, m);
    for (const n of p?.networkAuthentications ?? []) this.#nets.set(`${n.namespace}/${n.name}`, n);
    for (const svc of discovery.services?.values() ?? []) {
      const opaque = new PortSet(
        svc.ports.filter((x) => x.opaque).map((x) => ({ start: x.targetPort, end: x.targetPort })),
      );
      for (const e of svc.endpoints) {
        if (e.pod === undefined) continue;
        const key = `${svc.namespace}/${e.pod}`;
        const known = this.#pods.get(key);
        const merged =
          known?.opaquePorts === undefined
            ? opaque
            : new PortSet([...known.opaquePorts.ranges, ...opaque.ranges]);
        this.#pods.set(key, {
          namespace: svc.namespace,
          name: e.pod,
          labels: { ...known?.labels, ...e.labels },
          portNames: NO_PORTS,
          probePaths: NO_PROBES,
          ...(merged.size === 0 ? {} : { opaquePorts: merged }),
        });
      }
    }
  }

  pod(namespace: string, name: string): PolicyPod {
    return (
      this.#pods.get(`${namespace}/${name}`) ?? {
        namespace,
        name,
        labels: {},
        portNames: NO_PORTS,
        probePaths: NO_PROBES,
      }
    );
  }

  servers(namespace: string): readonly ServerSpec[] {
    return this.#servers.get(namespace) ?? [];
  }

  serverAuthorizations(namespace: string): readonly ServerAuthorizationSpec[] {
    return this.#sazs.get(namespace) ?? [];
  }

  authorizationPolicies(namespace: string): readonly AuthorizationPolicySpec[] {
    return this.#aps.get(namespace) ?? [];
  }

  meshTLSAuthentication(namespace: string, name: string): MeshTLSAuthenticationSpec | undefined {
    return this.#mtls.get(`${namespace}/${name}`);
  }

  networkAuthentication(namespace: string, name: string): NetworkAuthenticationSpec | undefined {
    return this.#nets.get(`${namespace}/${name}`);
  }
}

/** The settings a static file implies: its trust domain, control plane namespace and default policy over `base`. */
export function staticPolicySettings(
  discovery: StaticDiscovery,
  base: PolicySettingsInput = {},
): PolicySettingsInput {
  return {
    ...base,
    ...(discovery.mesh === undefined
      ? {}
      : {
          identityTrustDomain: discovery.mesh.identityTrustDomain,
          controllerNamespace: discovery.mesh.controlPlaneNamespace,
        }),
    ...(discovery.policy?.defaultPolicy === undefined
      ? {}
      : { defaultPolicy: discovery.policy.defaultPolicy }),
  };
}
