import type { PortSet } from '@skein/core';
import type { DefaultPolicyName } from './inbound-policy.js';
import type {
  AuthorizationPolicySpec,
  MeshTLSAuthenticationSpec,
  NetworkAuthenticationSpec,
  ServerAuthorizationSpec,
  ServerSpec,
} from './policy-resources.js';

/** A pod as the policy controller sees it: labels, ports and the policy annotations. */
export interface PolicyPod {
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** Labels (Servers select pods by them). */
  readonly labels: Readonly<Record<string, string>>;
  /** Named TCP container ports: a name may stand for several ports (one per container). */
  readonly portNames: ReadonlyMap<string, readonly number[]>;
  /** HTTP probe paths by port (liveness, readiness, startup). */
  readonly probePaths: ReadonlyMap<number, readonly string[]>;
  /** `config.linkerd.io/opaque-ports`. */
  readonly opaquePorts?: PortSet;
  /** `config.linkerd.io/proxy-require-identity-inbound-ports`. */
  readonly requireIdentityPorts?: PortSet;
  /** `config.linkerd.io/default-inbound-policy`. */
  readonly defaultPolicy?: DefaultPolicyName;
}

/** Pod annotation: the pod's default inbound policy. */
export const DEFAULT_INBOUND_POLICY_ANNOTATION = 'config.linkerd.io/default-inbound-policy';
/** Pod annotation: ports whose default policy requires an mTLS identity. */
export const REQUIRE_IDENTITY_PORTS_ANNOTATION = 'config.linkerd.io/proxy-require-identity-inbound-ports';

/**
 * What policies are computed from: pods and the policy resources by namespace. The Kubernetes
 * watches and the static file both provide one. Lists are in a stable order (by name).
 */
export interface PolicyIndex {
  /** A pod, or undefined. */
  pod(namespace: string, name: string): PolicyPod | undefined;
  /** The Servers of a namespace. */
  servers(namespace: string): readonly ServerSpec[];
  /** The ServerAuthorizations of a namespace. */
  serverAuthorizations(namespace: string): readonly ServerAuthorizationSpec[];
  /** The AuthorizationPolicies of a namespace. */
  authorizationPolicies(namespace: string): readonly AuthorizationPolicySpec[];
  /** A MeshTLSAuthentication. */
  meshTLSAuthentication(namespace: string, name: string): MeshTLSAuthenticationSpec | undefined;
  /** A NetworkAuthentication. */
  networkAuthentication(namespace: string, name: string): NetworkAuthenticationSpec | undefined;
}
