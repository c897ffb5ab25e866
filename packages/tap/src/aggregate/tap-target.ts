/** A resource to tap, as `skein tap deploy/web -n demo` names it. */
export interface TapTarget {
  /** Namespace (ignored for kind `namespace`). */
  readonly namespace: string;
  /** Resource kind, canonical singular: `namespace`, `deployment`, `pod`, `service`, … */
  readonly kind: string;
  /** Resource name; absent means every resource of the kind in the namespace. */
  readonly name?: string;
  /** Kubernetes label selector over pods (`app=web,tier!=cache`). */
  readonly labelSelector?: string;
}

/** A pod the aggregator may open an Observe stream to. */
export interface TapPod {
  /** Namespace. */
  readonly namespace: string;
  /** Pod name. */
  readonly name: string;
  /** Pod IP. */
  readonly ip: string;
  /** The proxy's tap (control) address, `host:port`. */
  readonly tapAddress: string;
  /** Resource labels for hydration (`namespace`, `pod`, `deployment`, `serviceaccount`, …). */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the pod can be tapped (meshed, tap enabled); otherwise `reason` says why not. */
  readonly tappable: boolean;
  /** Why the pod cannot be tapped. */
  readonly reason?: string;
}

/** Finds the pods behind a tap target; implemented by the controller's inventories. */
export interface TapTargetResolver {
  /**
   * The pods of the target, tappable or not.
   * @throws {@link TapNotFoundError} when the resource or kind does not exist.
   */
  resolveTapTarget(target: TapTarget): Promise<readonly TapPod[]>;
  /** The pod with this IP, for label hydration of the other side of an exchange. */
  podByIp?(ip: string): TapPod | undefined;
}

/** The caller of the aggregator, as an authenticating front end saw it. */
export interface TapCaller {
  /** User name. */
  readonly user: string;
  /** Groups. */
  readonly groups: readonly string[];
}

/** Decides whether a caller may tap a target (SubjectAccessReview or a static policy). */
export interface TapAccessPolicy {
  /** Resolves true when allowed; may reject when the decision could not be made. */
  allowed(caller: TapCaller, target: TapTarget): Promise<boolean>;
}

/**
 * A static policy: allows the listed users and groups (`*` allows everyone), as the local
 * mesh uses where there is no Kubernetes to ask.
 */
export function staticTapPolicy(allow: {
  users?: readonly string[];
  groups?: readonly string[];
}): TapAccessPolicy {
  const users = new Set(allow.users ?? []);
  const groups = new Set(allow.groups ?? []);
  return {
    allowed: (caller) =>
      Promise.resolve(users.has('*') || users.has(caller.user) || caller.groups.some((g) => groups.has(g))),
  };
}
