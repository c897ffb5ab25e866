/**
 * The ServiceProfile custom resource (`serviceprofiles.linkerd.io`, v1alpha2), as Linkerd
 * defines it. Field names follow the CRD exactly so objects read from the Kubernetes API can be
 * used as they are.
 */
export interface ServiceProfile {
  /** `linkerd.io/v1alpha2` (or `linkerd.io/v1alpha1`). */
  apiVersion?: string;
  /** `ServiceProfile`. */
  kind?: string;
  /** Object metadata; the name is the FQDN of the service (`web.emojivoto.svc.cluster.local`). */
  metadata: ServiceProfileMetadata;
  /** The profile itself. */
  spec: ServiceProfileSpec;
}

/** The metadata fields a ServiceProfile may carry (Kubernetes ObjectMeta). */
export interface ServiceProfileMetadata {
  /** The FQDN of the service the profile describes. */
  name?: string;
  /** The namespace the profile lives in (the server's or a client's). */
  namespace?: string;
  /** Labels. */
  labels?: Record<string, string>;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Any other ObjectMeta field (uid, resourceVersion, managedFields, …). */
  [field: string]: unknown;
}

/** `spec` of a ServiceProfile. */
export interface ServiceProfileSpec {
  /** The routes of the service, matched in order. */
  routes?: ProfileRoute[];
  /** How many retries clients may add on top of the original requests. */
  retryBudget?: ProfileRetryBudget;
  /** Traffic split: authorities and weights that replace the service as destination. */
  dstOverrides?: ProfileWeightedDst[];
  /** Ports of the service whose traffic is not protocol-detected. */
  opaquePorts?: string[];
}

/** One route of a ServiceProfile. */
export interface ProfileRoute {
  /** The route name, reported in metrics as `route`. */
  name: string;
  /** Which requests belong to the route. */
  condition: ProfileRequestMatch;
  /** How responses are classified as success or failure. */
  responseClasses?: ProfileResponseClass[];
  /** Whether failed requests on this route may be retried. */
  isRetryable?: boolean;
  /** The request timeout, a Go duration (`300ms`). */
  timeout?: string;
}

/** A request matcher; exactly the fields that are set must all hold. */
export interface ProfileRequestMatch {
  /** Every child must match. */
  all?: ProfileRequestMatch[];
  /** The child must not match. */
  not?: ProfileRequestMatch;
  /** At least one child must match. */
  any?: ProfileRequestMatch[];
  /** A regular expression the whole path must match. */
  pathRegex?: string;
  /** The HTTP method. */
  method?: string;
}

/** A response classification rule. */
export interface ProfileResponseClass {
  /** Which responses the class covers. */
  condition: ProfileResponseMatch;
  /** Whether responses of the class count as failures. */
  isFailure?: boolean;
}

/** A response matcher. */
export interface ProfileResponseMatch {
  /** Every child must match. */
  all?: ProfileResponseMatch[];
  /** The child must not match. */
  not?: ProfileResponseMatch;
  /** At least one child must match. */
  any?: ProfileResponseMatch[];
  /** An inclusive HTTP status range. */
  status?: ProfileStatusRange;
}

/** An inclusive HTTP status range; 0 (or absent) leaves that bound open. */
export interface ProfileStatusRange {
  /** The lowest status, 100–599. */
  min?: number;
  /** The highest status, 100–599. */
  max?: number;
}

/** A Linkerd retry budget. */
export interface ProfileRetryBudget {
  /** Retries allowed as a ratio of original requests (0.2 = 20%). */
  retryRatio: number;
  /** Retries allowed per second regardless of the ratio. */
  minRetriesPerSecond: number;
  /** The window over which requests are counted, a Go duration (`10s`). */
  ttl: string;
}

/** A weighted destination of a traffic split. */
export interface ProfileWeightedDst {
  /** `host[:port]`; without a port, the requested port is used. */
  authority: string;
  /** A Kubernetes quantity; Linkerd sends it in decimillis (1 = 10000). */
  weight: string | number;
}
