import type { destination } from '@skein/core/proto';
import type { Observable } from 'rxjs';
import type { DestinationStatusCode } from '../discovery-error.js';
import type { ClientContext } from './context-token.js';
import type { DestinationTarget } from './destination-target.js';

/** A `WeightedAddr` as plain properties, ready to encode. */
export type WeightedAddrProps = destination.WeightedAddr.$Properties;
/** A `DestinationProfile` as plain properties, ready to encode. */
export type DestinationProfileProps = destination.DestinationProfile.$Properties;

/**
 * What `Get` serves for one target at one moment.
 *
 * - `endpoints`: the service exists; `addrs` (keyed by `ip:port`) may be empty.
 * - `notFound`: the service does not exist (`NotFound` at the start, `no_endpoints{exists:false}` later).
 * - `invalid`: the target cannot be served (`InvalidArgument`/`FailedPrecondition` at the start).
 */
export type EndpointSnapshot =
  | {
      readonly kind: 'endpoints';
      /** `WeightedAddrSet.metric_labels`: labels shared by every address (namespace, service). */
      readonly labels: Readonly<Record<string, string>>;
      readonly addrs: ReadonlyMap<string, WeightedAddrProps>;
    }
  | { readonly kind: 'notFound'; readonly message: string }
  | { readonly kind: 'invalid'; readonly status: DestinationStatusCode; readonly message: string };

/**
 * What `GetProfile` serves for one target at one moment: a profile, or a failure (sent as the
 * stream's status when it comes first; later, an empty profile).
 */
export type ProfileSnapshot =
  | { readonly kind: 'profile'; readonly profile: DestinationProfileProps }
  | { readonly kind: 'notFound'; readonly message: string }
  | { readonly kind: 'invalid'; readonly status: DestinationStatusCode; readonly message: string };

/**
 * The snapshots of one target as the backend sees them. Subscribers whose requests share a `key`
 * share one upstream subscription, so `key` must capture everything the snapshots depend on.
 */
export interface SnapshotSource<S> {
  /** Identifies the view: equal keys give equal snapshots. */
  readonly key: string;
  /** Emits the current snapshot as soon as it is known, then each change. */
  readonly snapshots: Observable<S>;
}

/**
 * Where the destination server gets its answers: the Kubernetes backend (informers) or the
 * static backend (a discovery file). Plugins may implement it for other registries.
 */
export interface DestinationBackend {
  /** The endpoint snapshots for a `Get`; may throw a `DestinationError` for targets it refuses outright. */
  endpoints(target: DestinationTarget, client: ClientContext): SnapshotSource<EndpointSnapshot>;
  /** The profile snapshots for a `GetProfile`; may throw a `DestinationError`. */
  profile(target: DestinationTarget, client: ClientContext): SnapshotSource<ProfileSnapshot>;
}
