import type {
  handleServerStreamingCall,
  handleUnaryCall,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { linkerdMethod } from './grpc-method.js';
import type { Decoded, Encodable, MessageClass } from './messages.js';
import { destination, identity, inbound, outbound, tap } from './messages.js';

/** A unary handler: receives the decoded request, answers with a plain object or message. */
export type UnaryHandler<
  Req extends MessageClass<never, unknown>,
  Res extends MessageClass<never, unknown>,
> = handleUnaryCall<Decoded<Req>, Encodable<Res>>;
/** A server-streaming handler: receives the decoded request, writes plain objects or messages. */
export type ServerStreamingHandler<
  Req extends MessageClass<never, unknown>,
  Res extends MessageClass<never, unknown>,
> = handleServerStreamingCall<Decoded<Req>, Encodable<Res>>;

/** Fully qualified name of the Destination service. */
export const DESTINATION_SERVICE = 'io.linkerd.proxy.destination.Destination';
/** Fully qualified name of the Identity service. */
export const IDENTITY_SERVICE = 'io.linkerd.proxy.identity.Identity';
/** Fully qualified name of the Tap service. */
export const TAP_SERVICE = 'io.linkerd.proxy.tap.Tap';
/** Fully qualified name of the InboundServerPolicies service. */
export const INBOUND_SERVER_POLICIES_SERVICE = 'io.linkerd.proxy.inbound.InboundServerPolicies';
/** Fully qualified name of the OutboundPolicies service. */
export const OUTBOUND_POLICIES_SERVICE = 'io.linkerd.proxy.outbound.OutboundPolicies';

/** Handlers for {@link destinationService}, as passed to `server.addService`. */
export interface DestinationHandlers extends UntypedServiceImplementation {
  /** `Get`: streams endpoint `Update`s for a `GetDestination`; the first must be sent at once. */
  get: ServerStreamingHandler<typeof destination.GetDestination, typeof destination.Update>;
  /** `GetProfile`: streams `DestinationProfile`s for a `GetDestination`. */
  getProfile: ServerStreamingHandler<
    typeof destination.GetDestination,
    typeof destination.DestinationProfile
  >;
}

/** Handlers for {@link identityService}. */
export interface IdentityHandlers extends UntypedServiceImplementation {
  /** `Certify`: signs the DER CSR of a `CertifyRequest`. */
  certify: UnaryHandler<typeof identity.CertifyRequest, typeof identity.CertifyResponse>;
}

/** Handlers for {@link tapService} (served by the proxy). */
export interface TapHandlers extends UntypedServiceImplementation {
  /** `Observe`: streams `TapEvent`s matching an `ObserveRequest`. */
  observe: ServerStreamingHandler<typeof tap.ObserveRequest, typeof tap.TapEvent>;
}

/** Handlers for {@link inboundServerPoliciesService}. */
export interface InboundServerPoliciesHandlers extends UntypedServiceImplementation {
  /** `GetPort`: the policy `Server` for a `PortSpec`. */
  getPort: UnaryHandler<typeof inbound.PortSpec, typeof inbound.Server>;
  /** `WatchPort`: streams the policy `Server` for a `PortSpec` as it changes. */
  watchPort: ServerStreamingHandler<typeof inbound.PortSpec, typeof inbound.Server>;
}

/** Handlers for {@link outboundPoliciesService}. */
export interface OutboundPoliciesHandlers extends UntypedServiceImplementation {
  /** `Get`: the `OutboundPolicy` for a `TrafficSpec`. */
  get: UnaryHandler<typeof outbound.TrafficSpec, typeof outbound.OutboundPolicy>;
  /** `Watch`: streams the `OutboundPolicy` for a `TrafficSpec` as it changes. */
  watch: ServerStreamingHandler<typeof outbound.TrafficSpec, typeof outbound.OutboundPolicy>;
}

/**
 * grpc-js definition of `io.linkerd.proxy.destination.Destination` (spec §1.3): server-streaming
 * `get` (`Get`) and `getProfile` (`GetProfile`).
 */
export const destinationService = {
  get: linkerdMethod(DESTINATION_SERVICE, 'Get', true, destination.GetDestination, destination.Update),
  getProfile: linkerdMethod(
    DESTINATION_SERVICE,
    'GetProfile',
    true,
    destination.GetDestination,
    destination.DestinationProfile,
  ),
} as const satisfies ServiceDefinition<DestinationHandlers>;

/** grpc-js definition of `io.linkerd.proxy.identity.Identity` (spec §1.4): unary `certify` (`Certify`). */
export const identityService = {
  certify: linkerdMethod(
    IDENTITY_SERVICE,
    'Certify',
    false,
    identity.CertifyRequest,
    identity.CertifyResponse,
  ),
} as const satisfies ServiceDefinition<IdentityHandlers>;

/** grpc-js definition of `io.linkerd.proxy.tap.Tap` (spec §1.5): server-streaming `observe` (`Observe`). */
export const tapService = {
  observe: linkerdMethod(TAP_SERVICE, 'Observe', true, tap.ObserveRequest, tap.TapEvent),
} as const satisfies ServiceDefinition<TapHandlers>;

/**
 * grpc-js definition of `io.linkerd.proxy.inbound.InboundServerPolicies` (spec §1.6): unary
 * `getPort` (`GetPort`) and server-streaming `watchPort` (`WatchPort`).
 */
export const inboundServerPoliciesService = {
  getPort: linkerdMethod(INBOUND_SERVER_POLICIES_SERVICE, 'GetPort', false, inbound.PortSpec, inbound.Server),
  watchPort: linkerdMethod(
    INBOUND_SERVER_POLICIES_SERVICE,
    'WatchPort',
    true,
    inbound.PortSpec,
    inbound.Server,
  ),
} as const satisfies ServiceDefinition<InboundServerPoliciesHandlers>;

/**
 * grpc-js definition of `io.linkerd.proxy.outbound.OutboundPolicies` (spec §1.7): unary `get`
 * (`Get`) and server-streaming `watch` (`Watch`).
 */
export const outboundPoliciesService = {
  get: linkerdMethod(OUTBOUND_POLICIES_SERVICE, 'Get', false, outbound.TrafficSpec, outbound.OutboundPolicy),
  watch: linkerdMethod(
    OUTBOUND_POLICIES_SERVICE,
    'Watch',
    true,
    outbound.TrafficSpec,
    outbound.OutboundPolicy,
  ),
} as const satisfies ServiceDefinition<OutboundPoliciesHandlers>;
