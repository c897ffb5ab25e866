import {
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type Metadata,
  makeGenericClientConstructor,
  type requestCallback,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { LinkerdMethodDefinition } from './grpc-method.js';
import {
  DESTINATION_SERVICE,
  destinationService,
  IDENTITY_SERVICE,
  INBOUND_SERVER_POLICIES_SERVICE,
  identityService,
  inboundServerPoliciesService,
  OUTBOUND_POLICIES_SERVICE,
  outboundPoliciesService,
  TAP_SERVICE,
  tapService,
} from './grpc-services.js';

/** A unary method on a generated client, with grpc-js's usual overloads. */
export interface UnaryClientMethod<Request, Response> {
  (
    request: Request,
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: requestCallback<Response>,
  ): ClientUnaryCall;
  (request: Request, metadata: Metadata, callback: requestCallback<Response>): ClientUnaryCall;
  (request: Request, options: Partial<CallOptions>, callback: requestCallback<Response>): ClientUnaryCall;
  (request: Request, callback: requestCallback<Response>): ClientUnaryCall;
}

/** A server-streaming method on a generated client, with grpc-js's usual overloads. */
export interface ServerStreamingClientMethod<Request, Response> {
  (request: Request, metadata?: Metadata, options?: Partial<CallOptions>): ClientReadableStream<Response>;
  (request: Request, options?: Partial<CallOptions>): ClientReadableStream<Response>;
}

/** The methods of a generated client for service definition `S`: requests are plain objects, responses decoded. */
export type LinkerdClientMethods<
  S extends Record<string, LinkerdMethodDefinition<never, unknown, never, unknown>>,
> = {
  [K in keyof S]: S[K] extends LinkerdMethodDefinition<infer ReqIn, unknown, never, infer ResOut, true>
    ? ServerStreamingClientMethod<ReqIn, ResOut>
    : S[K] extends LinkerdMethodDefinition<infer ReqIn, unknown, never, infer ResOut, false>
      ? UnaryClientMethod<ReqIn, ResOut>
      : never;
};

/** A constructor for a typed Linkerd API client (a grpc-js `Client` subclass). */
export interface LinkerdClientConstructor<C extends Client> {
  /** Connects lazily to `address` (`host:port`, or any grpc-js target). */
  new (address: string, credentials: ChannelCredentials, options?: ClientOptions): C;
  /** The service definition the client was built from. */
  readonly service: ServiceDefinition;
  /** The fully qualified service name. */
  readonly serviceName: string;
}

/** A client of `io.linkerd.proxy.destination.Destination`: `get`, `getProfile`. */
export type DestinationClient = Client & LinkerdClientMethods<typeof destinationService>;
/** A client of `io.linkerd.proxy.identity.Identity`: `certify`. */
export type IdentityClient = Client & LinkerdClientMethods<typeof identityService>;
/** A client of `io.linkerd.proxy.tap.Tap`: `observe`. */
export type TapClient = Client & LinkerdClientMethods<typeof tapService>;
/** A client of `io.linkerd.proxy.inbound.InboundServerPolicies`: `getPort`, `watchPort`. */
export type InboundServerPoliciesClient = Client & LinkerdClientMethods<typeof inboundServerPoliciesService>;
/** A client of `io.linkerd.proxy.outbound.OutboundPolicies`: `get`, `watch`. */
export type OutboundPoliciesClient = Client & LinkerdClientMethods<typeof outboundPoliciesService>;

function clientConstructor<C extends Client>(
  service: ServiceDefinition,
  name: string,
): LinkerdClientConstructor<C> {
  // grpc-js builds the class at run time; its declared type cannot know the method names.
  return makeGenericClientConstructor(service, name) as unknown as LinkerdClientConstructor<C>;
}

/** Client constructor for the Destination service: `new DestinationClient(address, credentials)`. */
export const DestinationClient: LinkerdClientConstructor<DestinationClient> = clientConstructor(
  destinationService,
  DESTINATION_SERVICE,
);
/** Client constructor for the Identity service. */
export const IdentityClient: LinkerdClientConstructor<IdentityClient> = clientConstructor(
  identityService,
  IDENTITY_SERVICE,
);
/** Client constructor for the Tap service. */
export const TapClient: LinkerdClientConstructor<TapClient> = clientConstructor(tapService, TAP_SERVICE);
/** Client constructor for the InboundServerPolicies service. */
export const InboundServerPoliciesClient: LinkerdClientConstructor<InboundServerPoliciesClient> =
  clientConstructor(inboundServerPoliciesService, INBOUND_SERVER_POLICIES_SERVICE);
/** Client constructor for the OutboundPolicies service. */
export const OutboundPoliciesClient: LinkerdClientConstructor<OutboundPoliciesClient> = clientConstructor(
  outboundPoliciesService,
  OUTBOUND_POLICIES_SERVICE,
);
